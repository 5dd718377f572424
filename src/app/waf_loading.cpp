#include "app/waf_loading.h"

#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "modsec/modsec_engine.h"
#include "observe/event_log.h"
#include "waf/engine.h"
#include "waf/waf_metrics.h"

namespace centinela::app {

namespace fs = std::filesystem;

namespace {

// The files a pattern names (a glob or a path), sorted; an absent path is
// kept (the loader reports it), an optional one dropped.
std::vector<std::string> expand(const config::WafRuleFile& file) {
  std::vector<std::string> out;
  glob_t found{};
  if (::glob(file.path.c_str(), 0, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) out.emplace_back(found.gl_pathv[i]);
  }
  ::globfree(&found);
  if (out.empty() && !file.optional) out.push_back(file.path);
  return out;
}

// waf.compile_cache when it can be made, else the user's cache folder
// ($XDG_CACHE_HOME or ~/.cache); none when neither is writable (never a
// shared folder like /tmp: a planted database would be loaded).
std::optional<fs::path> cache_folder(const std::string& configured) {
  if (configured.empty()) return std::nullopt;
  std::vector<fs::path> candidates{configured};
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    candidates.emplace_back(fs::path(xdg) / "centinela" / "waf");
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    candidates.emplace_back(fs::path(home) / ".cache" / "centinela" / "waf");
  }
  for (const fs::path& dir : candidates) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec && ::access(dir.c_str(), W_OK) == 0) return dir;
  }
  return std::nullopt;
}

std::string make_key(const std::vector<std::string>& files, const std::optional<fs::path>& cache) {
  std::string key = cache ? cache->string() : std::string();
  for (const std::string& file : files) {
    std::error_code ec;
    const auto time = fs::last_write_time(file, ec);
    key += '\n' + file + '@' + std::to_string(ec ? 0 : time.time_since_epoch().count());
  }
  return key;
}

// Entries of either engine's report: id, where (file:line[:col]) and why.
template <typename Entries>
void log_not_honoured(const Entries& entries) {
  for (const auto& entry : entries) {
    observe::log_event(observe::Level::warn, "waf rule not honoured",
                       {{"id", entry.id}, {"where", entry.where}, {"why", entry.why}});
  }
}

void publish_report(const waf::LoadReport& report) {
  waf::set_rule_status({{"loaded", static_cast<double>(report.rules)},
                        {"honoured", static_cast<double>(report.honoured)},
                        {"partial", static_cast<double>(report.partial.size())},
                        {"not_honoured", static_cast<double>(report.not_honoured.size())},
                        {"not_run", static_cast<double>(report.not_run.size())}});
}

// Exclusions naming a rule id or tag that `has_rule` / `has_tag` do not know.
template <typename HasRule, typename HasTag>
std::vector<std::string> unknown_exclusions(const config::Config& config,
                                            const std::string& config_path, HasRule has_rule,
                                            HasTag has_tag) {
  std::vector<std::string> errors;
  auto where = [&](const config::WafExclusion& e) {
    return config_path + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": ";
  };
  for (const auto& route : config.routes) {
    for (const config::WafExclusion& e : route.waf.exclusions) {
      for (const config::WafRuleRange& range : e.rules) {
        if (!has_rule(range)) {
          errors.push_back(where(e) + "waf exclusion names rule " + std::to_string(range.first) +
                           (range.first == range.last ? "" : "-" + std::to_string(range.last)) +
                           ", which no loaded rule file has");
        }
      }
      if (!e.tag.empty() && !has_tag(e.tag)) {
        errors.push_back(where(e) + "waf exclusion names tag '" + e.tag +
                         "', which no loaded rule has");
      }
    }
  }
  return errors;
}

// waf.engine: modsecurity. The engine (its rule index) is kept while the
// files are unchanged; the routes' rule sets are made again only for
// settings it does not have yet. A failure keeps `previous` as it was.
WafLoad load_modsecurity(const config::Config& config, const std::vector<std::string>& files,
                         const WafLoad& previous) {
  WafLoad load;
  load.key = "modsecurity" + make_key(files, std::nullopt);
  const auto started = std::chrono::steady_clock::now();
  load.modsec = previous.modsec && previous.key == load.key
                    ? previous.modsec
                    : modsec::Engine::load(files, load.error);
  if (!load.modsec) return load;
  load.error = load.modsec->prepare(config);
  if (!load.error.empty()) {
    load.modsec.reset();
    return load;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  observe::log_event(observe::Level::info, "waf rules loaded",
                     {{"engine", "modsecurity"},
                      {"report", load.modsec->summary()},
                      {"files", files.size()},
                      {"seconds", seconds}});
  const modsec::RuleIndex& index = load.modsec->index();
  log_not_honoured(index.not_honoured());
  waf::set_rule_status({{"loaded", static_cast<double>(index.size())},
                        {"not_honoured", static_cast<double>(index.not_honoured().size())}});
  return load;
}

}  // namespace

std::vector<std::string> check_exclusions(const config::Config& config, const waf::Engine& engine,
                                          const std::string& config_path) {
  const waf::RuleSet& rules = engine.rules();
  return unknown_exclusions(
      config, config_path,
      [&](const config::WafRuleRange& range) {
        return std::any_of(rules.rules.begin(), rules.rules.end(),
                           [&](const waf::Rule& r) { return range.contains(r.id); });
      },
      [&](const std::string& tag) { return rules.find_tag(tag) != waf::kNoSlot; });
}

std::vector<std::string> check_exclusions(const config::Config& config,
                                          const modsec::RuleIndex& rules,
                                          const std::string& config_path) {
  return unknown_exclusions(
      config, config_path, [&](const config::WafRuleRange& range) { return rules.has_rule(range); },
      [&](const std::string& tag) { return rules.has_tag(tag); });
}

std::vector<std::string> check_exclusions(const config::Config& config, const WafLoad& load,
                                          const std::string& config_path) {
  if (load.modsec) return check_exclusions(config, load.modsec->index(), config_path);
  if (load.engine) return check_exclusions(config, *load.engine, config_path);
  return {};
}

std::string check_engine(const config::Config& config, const std::string& config_path) {
  if (config.waf.engine != config::WafEngine::modsecurity || modsec::available() ||
      !waf_used(config)) {
    return {};
  }
  std::string error;
  modsec::Engine::load({}, error);
  return config_path + ":" + std::to_string(config.waf.engine_line) + ":" +
         std::to_string(config.waf.engine_column) + ": " + error;
}

std::vector<std::string> WafLoad::warnings() const {
  std::vector<std::string> lines;
  if (!modsec) return lines;
  for (const auto& entry : modsec->index().not_honoured()) {
    lines.push_back(entry.where + ": rule " + std::to_string(entry.id) +
                    " is not honoured: " + entry.why);
  }
  return lines;
}

std::string WafLoad::summary() const {
  if (modsec) return modsec->summary();
  if (engine) return engine->report().summary();
  return {};
}

bool waf_used(const config::Config& config) {
  for (const auto& route : config.routes) {
    if (route.waf.mode != config::WafMode::off) return true;
  }
  return false;
}

WafLoad load_waf(const config::Config& config, const WafLoad& previous) {
  WafLoad load;
  if (!waf_used(config)) return load;
  std::vector<std::string> files;
  for (const config::WafRuleFile& file : config.waf.rules) {
    for (std::string& path : expand(file)) files.push_back(std::move(path));
  }
  if (config.waf.engine == config::WafEngine::modsecurity) {
    return load_modsecurity(config, files, previous);
  }
  const std::optional<fs::path> cache = cache_folder(config.waf.compile_cache);
  load.key = make_key(files, cache);
  if (previous.engine && previous.key == load.key) return previous;
  const auto started = std::chrono::steady_clock::now();
  auto engine = waf::Engine::load(files, cache ? &*cache : nullptr);
  const waf::LoadReport& report = engine->report();
  if (!report.errors.empty()) {
    load.error = report.errors.front();
    if (report.errors.size() > 1) {
      load.error += " (and " + std::to_string(report.errors.size() - 1) + " more)";
    }
    return load;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  observe::log_event(observe::Level::info, "waf rules loaded",
                     {{"report", report.summary()},
                      {"files", files.size()},
                      {"seconds", seconds},
                      {"compile_cache", cache ? cache->string() : std::string("none")}});
  log_not_honoured(report.not_honoured);
  publish_report(report);
  load.engine = std::move(engine);
  return load;
}

}  // namespace centinela::app
