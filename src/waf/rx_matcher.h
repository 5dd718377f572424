// Every @rx of a rule set, grouped by transformation pipeline into
// Hyperscan databases: a value transformed by a pipeline is scanned once
// against all the patterns rules apply to it with that pipeline, and each
// rule then looks its own pattern up in the hits. A pipeline's patterns are
// split by the lowest paranoia level that uses them (a PL1 program never
// scans PL2's patterns) and into gated and open databases: a gated
// database's patterns are those of the api profile's gated rules or ones
// whose every match holds a byte no letter or digit is (Program::gated scans
// it only over the values that can match and count). Patterns Hyperscan
// takes exactly need nothing more; a prefilter hit, a pattern Hyperscan
// cannot take, or a rule with `capture` goes to PCRE2 (under its limits).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace centinela::pattern {
class ScanDatabase;
class Scratch;
}  // namespace centinela::pattern

namespace centinela::waf {

struct RuleSet;

// How one @rx operator is run (Operator::rx).
struct RxPlan {
  enum class Form : std::uint8_t { hyperscan_exact, hyperscan_prefilter, pcre_only };
  Form form = Form::pcre_only;
  // No \A \z \Z \G: a scan of values joined with LF reports the pattern
  // whenever a scan of one of the values would (see Program::joined).
  bool joinable = false;
  std::uint32_t db = 0;     // RxMatcher database (of the link's pipeline)
  std::uint32_t entry = 0;  // the pattern's id in it
  // pattern::Analysis::required as bits (byte b: bit b % 64 of word b / 64):
  // every match holds one of these bytes, so a value without any cannot
  // match. All zero: unknown.
  std::array<std::uint64_t, 4> required{};
};

class RxMatcher {
 public:
  // Plans every @rx of `set` (writing Operator::rx_plan) and builds the
  // databases, through `cache_dir` when given. False with `error` when
  // Hyperscan fails; the set then runs every @rx with PCRE2.
  static std::shared_ptr<const RxMatcher> build(RuleSet& set, std::string& error,
                                                const std::filesystem::path* cache_dir = nullptr);

  const pattern::ScanDatabase* database(std::uint32_t db) const {
    return db < dbs_.size() ? dbs_[db].get() : nullptr;
  }
  std::size_t databases() const { return dbs_.size(); }
  std::uint32_t entries(std::uint32_t db) const { return db < sizes_.size() ? sizes_[db] : 0; }
  // A database whose links a program joins over filtered values
  // (Program::gated); none of its patterns is read by a multiMatch link.
  bool gated(std::uint32_t db) const { return db < gated_.size() && gated_[db] != 0; }
  // A database its links join over their own targets' values (gated or
  // not: Program::gated), not over their pipeline's whole text; none of
  // its patterns is read by a multiMatch link.
  bool own_text(std::uint32_t db) const { return db < own_text_.size() && own_text_[db] != 0; }
  std::size_t exact = 0, prefilter = 0, pcre_only = 0;  // for the load report

 private:
  std::vector<std::unique_ptr<pattern::ScanDatabase>> dbs_;
  std::vector<std::uint32_t> sizes_;
  std::vector<std::uint8_t> gated_;
  std::vector<std::uint8_t> own_text_;
};

}  // namespace centinela::waf
