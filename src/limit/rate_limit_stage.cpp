#include "limit/rate_limit_stage.h"

#include <atomic>
#include <boost/container/small_vector.hpp>
#include <chrono>
#include <vector>

#include "config/address.h"
#include "limit/gcra.h"
#include "limit/key_hash.h"
#include "limit/limited_keys.h"
#include "limit/local_store.h"
#include "limit/policy.h"
#include "limit/policy_registry.h"
#include "limit/rate_limit_headers.h"
#include "limit/rate_limit_key.h"
#include "limit/redis_batch.h"
#include "limit/redis_limiter.h"
#include "observe/event_log.h"
#include "observe/metrics.h"
#include "redis/client.h"
#include "threat/tracker.h"

namespace centinela::limit {
namespace {

using stage::RequestContext;
using stage::RequestVerdict;

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct PolicyState {
  Policy policy;
  // adaptive: clients scoring at least adaptive_score get `tightened`.
  std::optional<Policy> tightened;
  double adaptive_score = 0;
  std::string scope;
  std::string redis_key_prefix;  // for use_redis policies
  observe::Counter* allowed = nullptr;
  observe::Counter* limited = nullptr;
};

// Routes rarely have more policies than this: a request's evaluation keeps
// them inline, in its own frame, without allocating.
constexpr std::size_t kInlinePolicies = 4;
template <typename T>
using PerPolicy = boost::container::small_vector<T, kInlinePolicies>;

// What one request's evaluation produced, in policy order.
struct Evaluation {
  PerPolicy<Decision> decisions;
  PerPolicy<bool> evaluated;           // decided (spent from when admitted)
  PerPolicy<bool> known;               // decided, or peeked for the RateLimit field
  PerPolicy<const Policy*> effective;  // the policy or its tightened copy
  std::optional<double> score;         // the client's threat score, read once
  std::size_t denied = kNone;
  std::string denied_key;  // key text of the refusing policy
};

Decision fresh_decision(const Policy& policy) {
  if (policy.algorithm == Algorithm::gcra) return gcra_peek(0, policy, 0);
  return Decision{true, policy.limit, 0, 0};
}

// At most one store warning per 10 seconds per process.
bool should_warn() {
  static std::atomic<std::int64_t> last{0};
  const std::int64_t now = LocalStore::now_ns();
  std::int64_t previous = last.load(std::memory_order_relaxed);
  if (previous != 0 && now - previous < 10'000'000'000) return false;
  return last.compare_exchange_strong(previous, now, std::memory_order_relaxed);
}

class RateLimitStage final : public stage::Stage {
 public:
  RateLimitStage(std::string route, std::vector<Policy> policies,
                 std::vector<std::optional<Policy>> tightened, std::vector<double> adaptive_scores,
                 std::vector<config::CidrRange> allowlist)
      : route_(std::move(route)), allowlist_(std::move(allowlist)) {
    auto& registry = observe::Registry::global();
    static constexpr std::string_view kHelp = "Rate-limit decisions by route and policy";
    states_.reserve(policies.size());
    for (std::size_t i = 0; i < policies.size(); ++i) {
      Policy& policy = policies[i];
      PolicyState state;
      state.tightened = std::move(tightened[i]);
      state.adaptive_score = adaptive_scores[i];
      state.scope = key_scope(route_, policy);
      if (policy.use_redis) state.redis_key_prefix = redis_key_prefix(state.scope);
      state.allowed =
          &registry.counter("centinela_ratelimit_decisions_total", kHelp,
                            {{"route", route_}, {"policy", policy.name}, {"decision", "allowed"}});
      state.limited =
          &registry.counter("centinela_ratelimit_decisions_total", kHelp,
                            {{"route", route_}, {"policy", policy.name}, {"decision", "limited"}});
      any_redis_ = any_redis_ || policy.use_redis;
      legacy_ = legacy_ || policy.legacy_headers;
      deny_on_store_error_ =
          deny_on_store_error_ || (policy.use_redis && policy.deny_on_store_error);
      state.policy = std::move(policy);
      states_.push_back(std::move(state));
    }
    std::vector<Policy> plain;
    for (const PolicyState& state : states_) plain.push_back(state.policy);
    policy_field_ = format_policy_field(plain);
    store_errors_ = &registry.counter("centinela_ratelimit_store_errors_total",
                                      "Rate-limit decisions the shared store (Redis) failed",
                                      {{"route", route_}});
    for (const PolicyState& state : states_) {
      PolicyRegistry::global().add(this, route_, &state.policy);
    }
  }

  ~RateLimitStage() override { PolicyRegistry::global().remove(this); }

  std::string_view name() const override { return "rate_limit"; }

  bool is_async() const override { return any_redis_; }

  RequestVerdict on_request_head(RequestContext& ctx) override {
    if (allowlisted(ctx)) return RequestVerdict::proceed();
    // Reused: nothing here suspends, so one per thread serves every request.
    thread_local Evaluation eval;
    start_evaluation(eval, ctx);
    decide_locally(ctx, eval, /*redis_policies=*/true);
    return finish(ctx, eval, false);
  }

  boost::asio::awaitable<RequestVerdict> on_request_head_async(RequestContext& ctx) override {
    redis::Client* client = ctx.worker != nullptr ? ctx.worker->redis : nullptr;
    if (client == nullptr) co_return on_request_head(ctx);
    if (allowlisted(ctx)) co_return RequestVerdict::proceed();
    Evaluation eval;
    start_evaluation(eval, ctx);
    decide_locally(ctx, eval, /*redis_policies=*/false);
    if (eval.denied != kNone) co_return finish(ctx, eval, false);

    // The Redis policies' key texts, one after the other in a per-thread
    // buffer: redis_decide_batched copies them before it first suspends.
    thread_local std::string key_texts;
    key_texts.clear();
    PerPolicy<std::size_t> indexes;
    PerPolicy<std::size_t> text_ends;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      if (!states_[i].policy.use_redis) continue;
      append_key_text(key_texts, states_[i].policy, ctx, route_);
      indexes.push_back(i);
      text_ends.push_back(key_texts.size());
    }
    PerPolicy<RedisQuery> queries;
    std::size_t text_start = 0;
    for (std::size_t j = 0; j < indexes.size(); ++j) {
      const PolicyState& state = states_[indexes[j]];
      queries.push_back(
          RedisQuery{eval.effective[indexes[j]], state.redis_key_prefix,
                     std::string_view(key_texts).substr(text_start, text_ends[j] - text_start)});
      text_start = text_ends[j];
    }
    PerPolicy<Decision> decisions(indexes.size());
    const bool decided = co_await redis_decide_batched(*ctx.worker, queries, decisions);
    if (!decided) {
      store_errors_->inc();
      if (should_warn()) {
        observe::log_event(
            observe::Level::warn, "rate-limit store (redis) unavailable: deciding in-process",
            {{"route", route_}, {"on_store_error", deny_on_store_error_ ? "deny" : "allow"}});
      }
      if (deny_on_store_error_) {
        ctx.ratelimit = "store_error";
        ctx.response_headers.emplace_back("RateLimit-Policy", policy_field_);
        co_return RequestVerdict::respond(
            make_rate_limited_response(1, "rate limit store unavailable", ctx.request_id));
      }
      // Fail open to the in-process limit: each gateway then limits alone.
      decide_locally(ctx, eval, /*redis_policies=*/true, /*only_redis=*/true);
      co_return finish(ctx, eval, false);
    }
    for (std::size_t j = 0; j < indexes.size(); ++j) {
      const std::size_t i = indexes[j];
      eval.decisions[i] = decisions[j];
      eval.evaluated[i] = true;
      eval.known[i] = true;
      if (!decisions[j].allowed && eval.denied == kNone) {
        eval.denied = i;
        eval.denied_key.clear();
        append_key_text(eval.denied_key, states_[i].policy, ctx, route_);
      }
    }
    co_return finish(ctx, eval, true);
  }

 private:
  bool allowlisted(const RequestContext& ctx) const {
    if (allowlist_.empty()) return false;
    auto address = config::parse_ip_address(ctx.client_ip);
    if (!address) return false;
    for (const config::CidrRange& range : allowlist_) {
      if (range.contains(*address)) return true;
    }
    return false;
  }

  void start_evaluation(Evaluation& eval, const RequestContext& ctx) const {
    eval.decisions.assign(states_.size(), Decision{});
    eval.evaluated.assign(states_.size(), false);
    eval.known.assign(states_.size(), false);
    eval.effective.assign(states_.size(), nullptr);
    eval.score.reset();
    eval.denied = kNone;
    eval.denied_key.clear();
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const PolicyState& state = states_[i];
      eval.effective[i] = &state.policy;
      if (!state.tightened) continue;
      if (!eval.score) eval.score = client_score(ctx);
      if (*eval.score >= state.adaptive_score) eval.effective[i] = &*state.tightened;
    }
  }

  // The higher of the client's IP and user threat scores.
  static double client_score(const RequestContext& ctx) {
    threat::Tracker& tracker = threat::Tracker::global();
    double score = tracker.score(threat::ClientKey::ip(ctx.client_ip));
    if (!ctx.user.empty()) {
      score = std::max(score, tracker.score(threat::ClientKey::user(ctx.user)));
    }
    return score;
  }

  // Decides the in-process policies in order, stopping at the first refusal.
  // `redis_policies`: also those meant for Redis (no Redis, or it failed);
  // `only_redis`: just those.
  void decide_locally(const RequestContext& ctx, Evaluation& eval, bool redis_policies,
                      bool only_redis = false) {
    thread_local std::string key;
    LocalStore& store = LocalStore::global();
    const std::int64_t now = LocalStore::now_ns();
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const PolicyState& state = states_[i];
      if (state.policy.use_redis ? !redis_policies : only_redis) continue;
      key.assign(state.scope);
      const std::size_t text_start = key.size();
      append_key_text(key, state.policy, ctx, route_);
      if (eval.denied != kNone) {
        // Refused already: the later policies are only described.
        if (auto seen = store.peek(key_fingerprint(key), *eval.effective[i], now)) {
          eval.decisions[i] = *seen;
          eval.known[i] = true;
        }
        continue;
      }
      const Decision decision = store.decide(key_fingerprint(key), *eval.effective[i], now);
      eval.decisions[i] = decision;
      eval.evaluated[i] = true;
      eval.known[i] = true;
      if (!decision.allowed) {
        eval.denied = i;
        eval.denied_key.assign(key, text_start);
      }
    }
  }

  RequestVerdict finish(RequestContext& ctx, Evaluation& eval, bool all_or_nothing) {
    std::string limits;
    limits.reserve(32 * states_.size());
    const Decision* tightest = nullptr;
    const Policy* tightest_policy = nullptr;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      const PolicyState& state = states_[i];
      const Policy& policy = *eval.effective[i];
      if (!eval.known[i]) eval.decisions[i] = fresh_decision(policy);
      const Decision& decision = eval.decisions[i];
      if (eval.evaluated[i]) {
        const bool counted_limited = i == eval.denied;
        // With all-or-nothing (Redis) the other policies spent nothing.
        if (counted_limited)
          state.limited->inc();
        else if (eval.denied == kNone || !all_or_nothing)
          state.allowed->inc();
      }
      append_limit_member(limits, policy, decision);
      if (!tightest || decision.remaining < tightest->remaining) {
        tightest = &decision;
        tightest_policy = &policy;
      }
    }
    ctx.response_headers.emplace_back("RateLimit-Policy", policy_field_);
    ctx.response_headers.emplace_back("RateLimit", std::move(limits));
    if (legacy_ && tightest) {
      ctx.response_headers.emplace_back("X-RateLimit-Limit",
                                        std::to_string(tightest_policy->limit));
      ctx.response_headers.emplace_back("X-RateLimit-Remaining",
                                        std::to_string(tightest->remaining));
      ctx.response_headers.emplace_back("X-RateLimit-Reset",
                                        std::to_string(ceil_seconds(tightest->reset_ns)));
    }
    if (eval.denied == kNone) {
      ctx.ratelimit = "allowed";
      return RequestVerdict::proceed();
    }
    const PolicyState& denied = states_[eval.denied];
    ctx.ratelimit = "limited:" + denied.policy.name;
    LimitedKeys::global().record(route_, denied.policy.name, eval.denied_key);
    return RequestVerdict::respond(make_rate_limited_response(
        retry_after_seconds(eval.decisions[eval.denied]), "rate limit exceeded", ctx.request_id));
  }

  std::string route_;
  std::vector<config::CidrRange> allowlist_;
  std::vector<PolicyState> states_;
  std::string policy_field_;
  observe::Counter* store_errors_ = nullptr;
  bool any_redis_ = false;
  bool legacy_ = false;
  bool deny_on_store_error_ = false;
};

}  // namespace

std::unique_ptr<stage::Stage> make_rate_limit_stage(const config::Config& config,
                                                    const config::RouteConfig& route) {
  if (route.rate_limit.empty()) return nullptr;
  std::vector<Policy> policies;
  std::vector<std::optional<Policy>> tightened;
  std::vector<double> adaptive_scores;
  for (const auto& policy_config : route.rate_limit) {
    policies.push_back(make_policy(policy_config, config.rate_limit, config.redis.has_value()));
    tightened.emplace_back();
    adaptive_scores.push_back(0);
    if (policy_config.adaptive && config.threat) {
      tightened.back() =
          make_tightened_policy(policy_config, config.rate_limit, config.redis.has_value());
      adaptive_scores.back() = policy_config.adaptive->score;
    }
  }
  return std::make_unique<RateLimitStage>(route.name, std::move(policies), std::move(tightened),
                                          std::move(adaptive_scores), config.rate_limit.allowlist);
}

}  // namespace centinela::limit
