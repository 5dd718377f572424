#include "app/gateway.h"

#include <fmt/format.h>
#include <signal.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>
#include <vector>

#include "admin/admin_server.h"
#include "app/redis_tls_loading.h"
#include "app/restart_keys.h"
#include "app/service_notify.h"
#include "app/tls_listeners.h"
#include "app/version.h"
#include "app/waf_loading.h"
#include "cache/cache_stage.h"
#include "cache/coalescer.h"
#include "cache/memory_store.h"
#include "cache/redis_cache.h"
#include "config/loading.h"
#include "net/health_checker.h"
#include "net/worker.h"
#include "observe/access_log.h"
#include "observe/event_log.h"
#include "observe/incident_log.h"
#include "observe/metrics.h"
#include "proxy/runtime.h"
#include "redis/client.h"
#include "redis/subscriber.h"
#include "security/request_id.h"
#include "threat/fleet.h"
#include "threat/tracker.h"
#include "tls/upstream_contexts.h"
#include "tracing/span_exporter.h"

namespace centinela::app {

namespace asio = boost::asio;

// After drain_timeout, how long WebSocket tunnels have to finish the frame
// under way, send their close frames (1001) and hear the peers close.
constexpr std::chrono::milliseconds kTunnelGoodbyeGrace{1000};

// At exit, how long the spans still queued have to reach the collector.
constexpr std::chrono::milliseconds kTracingFlushGrace{2000};

struct Gateway::State {
  std::string instance_id = security::new_request_id();
  std::string config_path;
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<const proxy::Runtime> runtime;  // main thread's view; workers hold their own
  asio::io_context io{1};
  asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
  asio::steady_timer drain_deadline{io};
  net::GatewayShared shared;
  // The response cache's process-wide parts, sized at start (a reload keeps
  // them) and declared before the workers, whose coroutines use them.
  std::unique_ptr<cache::MemoryStore> cache;
  std::unique_ptr<cache::Coalescer> coalescer;
  // What every config generation's routes build their stages with.
  cache::CacheServices cache_services;
  proxy::ChainServices chain_services;
  WafLoad waf;              // the WAF's rules of the current generation
  TlsListeners tls;         // the listeners' TLS contexts of the current generation
  std::string start_error;  // what keeps run() from starting
  std::unique_ptr<observe::AccessLog> access_log;
  std::unique_ptr<tracing::SpanExporter> spans;  // outlives the workers that fill it
  std::vector<std::unique_ptr<net::Worker>> workers;
  std::vector<std::thread> threads;
  std::unique_ptr<net::HealthChecker> health;
  // The main thread's Redis parts, for the admin endpoints and other
  // instances' purges; remade when a reload changes what they were made for.
  std::unique_ptr<redis::Client> admin_redis;
  std::unique_ptr<cache::RedisCache> admin_cache_l2;        // on admin_redis
  std::unique_ptr<redis::Subscriber> purge_subscriber;      // other instances' purges
  std::unique_ptr<threat::FleetSubscriber> ban_subscriber;  // other instances' bans
  std::string redis_parts_for;  // redis.url, cache.shared, threat.shared they were made for
  // What reloads replaced: closed, and kept until exit, because an admin
  // request suspended in one of their calls may still use them (one set per
  // reload that changes redis.url or cache.shared). Declared after what they
  // may point to, so destroyed before it.
  std::vector<std::unique_ptr<redis::Client>> retired_redis;
  std::vector<std::unique_ptr<cache::RedisCache>> retired_cache_l2;
  std::vector<std::unique_ptr<redis::Subscriber>> retired_subscribers;
  std::vector<std::unique_ptr<threat::FleetSubscriber>> retired_ban_subscribers;
  std::unique_ptr<admin::AdminServer> admin;
  std::atomic<unsigned> workers_running{0};
  bool draining = false;
  observe::Counter* reload_success = nullptr;
  observe::Counter* reload_failure = nullptr;

  void wait_for_signal();
  void start_cache();
  void start_threat();
  void update_redis_parts();
  void reload();
  void begin_drain(int signal_number);
  void worker_finished();
};

namespace {

// A reload that cannot go through: counted and logged; the running config stays.
void reject_reload(observe::Counter& failures, const std::string& error) {
  failures.inc();
  observe::log_event(observe::Level::error, "reload rejected, keeping the running config",
                     {{"error", error}});
}

unsigned worker_count(const config::Config& config) {
  if (config.server.workers != 0) return config.server.workers;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

std::string listen_text(const config::Config& config) {
  std::string text;
  for (const auto& listener : config.server.listen) {
    if (!text.empty()) text += ",";
    text += listener.endpoint.text;
    if (listener.tls) text += " (tls)";
  }
  return text;
}

}  // namespace

Gateway::Gateway(std::string config_path, config::Config initial)
    : state_(std::make_unique<State>()) {
  auto& s = *state_;
  s.signals.add(SIGUSR1);  // the log files reopened (asio's constructor takes three)
  s.config_path = std::move(config_path);
  s.config = std::make_shared<const config::Config>(std::move(initial));
  s.start_cache();  // before the routes' chains, whose cache stages use it
  s.start_threat();
  s.waf = load_waf(*s.config, {});
  if (!s.waf.error.empty()) s.start_error = "waf rules: " + s.waf.error;
  s.chain_services.waf = s.waf.engine.get();
  s.chain_services.modsec = s.waf.modsec.get();
  // The live numbers' only reader; a reload does not add or remove it.
  s.chain_services.admin_listener = s.config->admin.listen.has_value();
  std::string redis_tls_error;
  s.chain_services.redis_tls = load_redis_tls(*s.config, s.config_path, nullptr, redis_tls_error);
  if (!redis_tls_error.empty() && s.start_error.empty()) s.start_error = redis_tls_error;
  // Upstream TLS contexts are made here, on the main thread; a CA or key
  // that does not load keeps the gateway from starting.
  std::vector<config::ConfigError> tls_errors;
  const tls::UpstreamContexts upstream_tls =
      tls::make_upstream_contexts(*s.config, s.config_path, tls_errors);
  if (!tls_errors.empty() && s.start_error.empty()) s.start_error = tls_errors.front().to_string();
  s.runtime =
      std::make_shared<const proxy::Runtime>(s.config, nullptr, s.chain_services, upstream_tls);
  observe::set_event_log_level(observe::parse_level(s.config->log.level));

  auto& registry = observe::Registry::global();
  registry
      .gauge("centinela_build_info", "Always 1; the version is in the label",
             {{"version", kVersion}})
      .set(1);
  s.shared.connections_gauge =
      &registry.gauge("centinela_connections_active", "Client connections currently open");
  s.reload_success = &registry.counter("centinela_config_reloads_total",
                                       "Configuration reloads by result", {{"result", "success"}});
  s.reload_failure = &registry.counter("centinela_config_reloads_total",
                                       "Configuration reloads by result", {{"result", "failure"}});
}

Gateway::~Gateway() = default;

int Gateway::run() {
  auto& s = *state_;
  if (!s.start_error.empty()) {
    observe::log_event(observe::Level::error, "cannot start", {{"error", s.start_error}});
    return 1;
  }
  s.access_log = std::make_unique<observe::AccessLog>(s.config->log, s.config->waf.incident_log);
  s.shared.access_log = s.access_log.get();
  observe::IncidentLog::global().configure(s.config->waf, s.config->log, s.access_log.get());

  const unsigned count = worker_count(*s.config);
  s.spans = std::make_unique<tracing::SpanExporter>(count);
  s.spans->configure(s.config->tracing, s.config->log);
  s.shared.spans = s.spans.get();
  s.tls = build_tls_listeners(*s.config);
  if (!s.tls.error.empty()) {
    observe::log_event(observe::Level::error, "cannot start", {{"error", s.tls.error}});
    return 1;
  }
  try {
    for (unsigned i = 0; i < count; ++i) {
      s.workers.push_back(std::make_unique<net::Worker>(i, s.shared, s.runtime));
      s.workers.back()->update_tls(s.tls.contexts);
      s.workers.back()->listen(s.config->server.listen);
    }
    admin::AdminSources sources;
    sources.runtime = [&s] { return s.runtime; };
    sources.active_connections = [&s] {
      return s.shared.active_connections.load(std::memory_order_relaxed);
    };
    sources.version = kVersion;
    s.update_redis_parts();
    sources.redis = [&s] { return s.admin_redis.get(); };
    sources.cache = s.cache.get();
    sources.cache_l2 = [&s] { return s.admin_cache_l2.get(); };
    sources.instance_id = s.instance_id;
    if (s.config->admin.listen) {
      s.admin = std::make_unique<admin::AdminServer>(s.io, std::move(sources));
      s.admin->listen(*s.config->admin.listen);
    }
  } catch (const std::exception& e) {
    observe::log_event(observe::Level::error, "cannot listen", {{"error", e.what()}});
    return 1;
  }

  s.health = std::make_unique<net::HealthChecker>(s.io, s.runtime);
  s.health->start();
  s.wait_for_signal();

  s.workers_running = count;
  for (auto& worker : s.workers) {
    s.threads.emplace_back([&s, w = worker.get()] {
      w->run();
      asio::post(s.io, [&s] { s.worker_finished(); });
    });
  }
  // The listeners are bound: systemd (Type=notify) may send traffic now.
  notify_service_manager("READY=1\nSTATUS=serving");
  observe::log_event(observe::Level::info, "centinela started",
                     {{"version", kVersion},
                      {"listen", listen_text(*s.config)},
                      {"admin", s.config->admin.listen ? s.config->admin.listen->text : "off"},
                      {"workers", count}});

  s.io.run();
  for (auto& thread : s.threads) thread.join();
  if (s.health) s.health->stop();
  s.spans->shutdown(kTracingFlushGrace);
  s.access_log->flush();
  observe::IncidentLog::global().detach();
  observe::log_event(observe::Level::info, "centinela stopped");
  return 0;
}

void Gateway::State::start_cache() {
  cache = std::make_unique<cache::MemoryStore>(config->cache.memory);
  coalescer = std::make_unique<cache::Coalescer>();
  cache_services.l1 = cache.get();
  cache_services.coalescer = coalescer.get();
  cache_services.instance_id = instance_id;
  chain_services.cache = &cache_services;
  // Sizes and counts are read from the store at scrape time.
  observe::Registry::global().add_collector(
      "centinela_cache", [store = cache.get()](std::string& out) {
        const cache::StoreStats stats = store->stats();
        out += fmt::format(
            "# HELP centinela_cache_bytes Bytes held by the in-memory cache (L1)\n"
            "# TYPE centinela_cache_bytes gauge\ncentinela_cache_bytes {}\n"
            "# HELP centinela_cache_capacity_bytes The in-memory cache's bound (cache.memory)\n"
            "# TYPE centinela_cache_capacity_bytes gauge\ncentinela_cache_capacity_bytes {}\n"
            "# HELP centinela_cache_entries Responses held by the in-memory cache (L1)\n"
            "# TYPE centinela_cache_entries gauge\ncentinela_cache_entries {}\n"
            "# HELP centinela_cache_evictions_total Entries evicted from the in-memory cache\n"
            "# TYPE centinela_cache_evictions_total counter\ncentinela_cache_evictions_total {}\n",
            stats.bytes, stats.capacity, stats.entries, stats.evictions);
      });
}

void Gateway::State::start_threat() {
  threat::Tracker& tracker = threat::Tracker::global();
  tracker.configure(*config);
  // Counted at scrape time: a pass over the score table (~10 ms a million clients).
  observe::Registry::global().add_collector("centinela_threat", [&tracker](std::string& out) {
    const std::int64_t now = tracker.now_ns();
    out += fmt::format(
        "# HELP centinela_threat_bans_active Clients banned now (IPs and users)\n"
        "# TYPE centinela_threat_bans_active gauge\ncentinela_threat_bans_active {}\n"
        "# HELP centinela_threat_clients Clients the threat score table holds\n"
        "# TYPE centinela_threat_clients gauge\ncentinela_threat_clients {}\n",
        tracker.table().bans_active(now), tracker.table().size());
  });
}

void Gateway::State::update_redis_parts() {
  const bool share_bans = config->redis && config->threat && config->threat->shared == "redis";
  const auto& tls = runtime->redis_tls();
  const std::string wanted = config->redis ? config->redis->url + "\n" + config->cache.shared +
                                                 (share_bans ? "\nthreat" : "") + "\n" +
                                                 (tls ? tls->fingerprint : std::string())
                                           : std::string();
  if (wanted == redis_parts_for) return;
  redis_parts_for = wanted;
  if (purge_subscriber) {
    purge_subscriber->close();
    retired_subscribers.push_back(std::move(purge_subscriber));
  }
  if (ban_subscriber) {
    ban_subscriber->close();
    retired_ban_subscribers.push_back(std::move(ban_subscriber));
  }
  if (admin_cache_l2) retired_cache_l2.push_back(std::move(admin_cache_l2));
  if (admin_redis) {
    admin_redis->close();
    retired_redis.push_back(std::move(admin_redis));
  }
  if (!config->redis) return;
  admin_redis = std::make_unique<redis::Client>(io, *config->redis, tls);
  if (share_bans) {
    ban_subscriber = std::make_unique<threat::FleetSubscriber>(
        io, *config->redis, [this] { return admin_redis.get(); }, tls);
  }
  if (config->cache.shared != "redis") return;
  admin_cache_l2 = std::make_unique<cache::RedisCache>(*admin_redis);
  // Purges published by any instance (this one included, already applied)
  // reach this L1 here.
  purge_subscriber = std::make_unique<redis::Subscriber>(
      io, *config->redis, std::string(cache::kPurgeChannel),
      [this](std::string_view message) {
        cache::PurgeRequest request;
        std::string from;
        std::string problem;
        if (!cache::decode_purge_message(message, request, from, problem)) {
          observe::log_event(observe::Level::warn, "ignoring a malformed cache purge message",
                             {{"error", problem}});
          return;
        }
        if (from != instance_id) cache->purge(request);
      },
      redis::Subscriber::ConnectedHandler(), tls);
}

void Gateway::State::wait_for_signal() {
  signals.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    if (signal_number == SIGHUP) {
      reload();
    } else if (signal_number == SIGUSR1) {
      // logrotate's postrotate: the files at their paths again, nothing else.
      access_log->reopen();
      observe::log_event(observe::Level::info, "log files reopened");
    } else {
      begin_drain(signal_number);
    }
    wait_for_signal();  // a second SIGTERM while draining is only logged
  });
}

void Gateway::State::reload() {
  if (draining) return;
  notify_reloading();
  // Accepted or rejected, the gateway serves when the reload is over.
  struct ReadyAgain {
    ~ReadyAgain() { notify_service_manager("READY=1"); }
  } ready_again;
  std::vector<config::ConfigError> warnings;
  auto result = config::load_file(config_path, {}, warnings);
  if (!result.config) {
    for (const auto& error : result.errors) reject_reload(*reload_failure, error.to_string());
    return;
  }
  for (const auto& warning : warnings) {
    observe::log_event(observe::Level::warn, "config warning", {{"warning", warning.to_string()}});
  }
  auto next = std::make_shared<const config::Config>(std::move(*result.config));
  for (std::string_view key : restart_only_changes(*config, *next)) {
    observe::log_event(observe::Level::warn,
                       "changed key takes effect on restart only; the old value stays in use",
                       {{"key", std::string(key)}});
  }
  // Upstream TLS contexts are made anew (CA, certificates and keys read
  // again); one that does not load keeps the running config.
  std::vector<config::ConfigError> tls_errors;
  const tls::UpstreamContexts upstream_tls =
      tls::make_upstream_contexts(*next, config_path, tls_errors);
  if (!tls_errors.empty()) return reject_reload(*reload_failure, tls_errors.front().to_string());
  // The WAF's rules again only when they changed (a bad rule file keeps the
  // running config, as a bad config does).
  WafLoad next_waf = load_waf(*next, waf);
  if (!next_waf.error.empty())
    return reject_reload(*reload_failure, "waf rules: " + next_waf.error);
  // New certificates from their files; a bad one keeps the running config
  // (and its certificates), as a bad config does. Listeners that changed
  // wait for a restart, with their certificates.
  const bool listeners_kept = same_listener_layout(*config, *next);
  TlsListeners next_tls = listeners_kept ? build_tls_listeners(*next) : tls;
  if (!next_tls.error.empty()) return reject_reload(*reload_failure, next_tls.error);
  // The Redis TLS files again (kept when unchanged); one OpenSSL cannot use
  // keeps the running config.
  std::string redis_tls_error;
  auto next_redis_tls = load_redis_tls(*next, config_path, runtime->redis_tls(), redis_tls_error);
  if (!redis_tls_error.empty()) return reject_reload(*reload_failure, redis_tls_error);
  tls = std::move(next_tls);
  waf = std::move(next_waf);
  chain_services.waf = waf.engine.get();
  chain_services.modsec = waf.modsec.get();
  chain_services.redis_tls = std::move(next_redis_tls);
  // Built here, on the main thread, with the servers' health carried over;
  // workers only swap a pointer between requests.
  auto next_runtime =
      std::make_shared<const proxy::Runtime>(next, runtime.get(), chain_services, upstream_tls);
  config = next;
  runtime = next_runtime;
  // Before the workers see the new config: its first traced request may come at once.
  spans->configure(config->tracing, config->log);
  for (auto& worker : workers) {
    worker->update_runtime(runtime);
    worker->update_tls(tls.contexts);
  }
  health->stop();
  health = std::make_unique<net::HealthChecker>(io, runtime);
  health->start();
  access_log->reconfigure(config->log, config->waf.incident_log);
  observe::IncidentLog::global().configure(config->waf, config->log, access_log.get());
  threat::Tracker::global().configure(*config);
  update_redis_parts();
  observe::set_event_log_level(observe::parse_level(config->log.level));
  reload_success->inc();
  observe::log_event(observe::Level::info, "configuration reloaded",
                     {{"routes", config->routes.size()}});
}

void Gateway::State::begin_drain(int signal_number) {
  if (draining) {
    observe::log_event(observe::Level::warn, "already draining");
    return;
  }
  draining = true;
  notify_service_manager("STOPPING=1");
  const auto timeout = config->server.drain_timeout;
  observe::log_event(observe::Level::info, "draining",
                     {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"},
                      {"timeout_ms", timeout.count()}});
  if (admin) admin->stop();
  if (health) health->stop();
  if (purge_subscriber) purge_subscriber->close();
  if (ban_subscriber) ban_subscriber->close();
  if (admin_redis) admin_redis->close();
  for (auto& worker : workers) worker->begin_drain();
  drain_deadline.expires_after(timeout);
  drain_deadline.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    observe::log_event(observe::Level::warn,
                       "drain timeout reached, closing remaining connections");
    // WebSocket tunnels get a short grace to say goodbye (close 1001); a
    // worker without tunnels stops at once. Then every worker stops anyway.
    for (auto& worker : workers) worker->end_drain(kTunnelGoodbyeGrace);
    drain_deadline.expires_after(kTunnelGoodbyeGrace + std::chrono::milliseconds(500));
    drain_deadline.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      for (auto& worker : workers) worker->stop();
    });
  });
}

void Gateway::State::worker_finished() {
  if (--workers_running == 0) {
    drain_deadline.cancel();
    signals.cancel();
    io.stop();
  }
}

}  // namespace centinela::app
