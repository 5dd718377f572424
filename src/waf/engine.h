// The WAF of one configuration load: the rule files compiled once (seconds
// of Hyperscan work for all of CRS) and a Program per distinct route
// setting (paranoia level, threshold, exclusions), shared by the routes
// that ask for the same. Built on the main thread; Programs are immutable
// and read by every worker.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "waf/program.h"

namespace centinela::waf {

class Engine {
 public:
  // `rule_files`: paths or globs in order (empty: Debian's CRS);
  // `cache_dir`: waf.compile_cache (null: no cache).
  static std::shared_ptr<Engine> load(std::span<const std::string> rule_files,
                                      const std::filesystem::path* cache_dir = nullptr);
  explicit Engine(std::shared_ptr<const RuleSet> rules) : rules_(std::move(rules)) {}

  // The program for these options, compiled on first use.
  std::shared_ptr<const Program> program(const ProgramOptions& options);

  const LoadReport& report() const { return rules_->report; }
  const RuleSet& rules() const { return *rules_; }

 private:
  std::shared_ptr<const RuleSet> rules_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Program>> programs_;
};

// A key naming `options` exactly (equal keys: the same program).
std::string program_key(const ProgramOptions& options);

}  // namespace centinela::waf
