// Rule files compiled once per config load: every SecRule/SecAction in file
// order with its chains, markers, tags, TX names and transformation
// pipelines, and the load report (what is honoured and what is not, with
// ids and reasons). Programs for routes are derived from it (program.h,
// make_program).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "waf/rule.h"

namespace centinela::seclang {
struct ParseResult;
}

namespace centinela::waf {

// TX variable names (lower case) and their slots.
class TxNames {
 public:
  std::uint32_t slot(std::string_view lower_name);        // adds a new name
  std::uint32_t find(std::string_view lower_name) const;  // kNoSlot when unknown
  const std::string& name(std::uint32_t slot) const { return names_[slot]; }
  std::size_t size() const { return names_.size(); }

 private:
  // Looked up by string_view (a dynamic setvar's name, per request): no copy.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>> slots_;
  std::vector<std::string> names_;
};

struct LoadReport {
  struct Entry {
    std::uint32_t id = 0;
    std::string where;  // file:line
    std::string why;
  };
  std::size_t rules = 0;            // SecRule/SecAction statements (chains count once)
  std::size_t honoured = 0;         // run exactly as ModSecurity would
  std::vector<Entry> not_honoured;  // can never match (an operator we lack)
  std::vector<Entry> partial;       // run, but an action is ignored (initcol, expirevar, …)
  std::vector<Entry> not_run;       // left out of every program (response/logging phases off)
  std::vector<std::string> errors;  // parse and compile errors ("file:line:col: …")
  std::vector<std::string> notes;   // directives read and ignored
  std::string summary() const;      // one line for the log
};

struct Marker {
  std::string name;
  std::uint32_t order = 0;
};

struct RuleSet {
  std::vector<Rule> rules;  // file order, every phase
  std::vector<Marker> markers;
  std::vector<std::string> tags;
  TxNames tx;
  std::vector<PipelineNode> pipelines{PipelineNode{}};               // [0]: no transformation
  std::vector<std::pair<std::uint32_t, std::uint32_t>> removed_ids;  // SecRuleRemoveById
  std::vector<std::string> removed_tags;                             // SecRuleRemoveByTag
  LoadReport report;
  // Every @pm word list, for the per-thread Hyperscan scratch (word groups'
  // too).
  std::vector<std::shared_ptr<const pattern::LiteralSet>> literal_sets;
  // The @pm lists that read one pipeline's values, several of them (CRS's
  // header and user-agent lists): one database of all their words, so a
  // joined text is scanned once for all (Evaluation::joined_may_match),
  // `member_of` telling by word which list it came from.
  struct WordGroup {
    std::shared_ptr<const pattern::LiteralSet> words;
    std::vector<std::uint32_t> member_of;  // by word id
    std::uint32_t members = 0;
  };
  std::vector<WordGroup> word_groups;
  std::uint64_t generation = 0;         // unique per compiled rule set (scratch.h)
  std::shared_ptr<const RxMatcher> rx;  // null: every @rx runs in PCRE2

  std::uint16_t tag_index(std::string_view tag);                      // adds a new tag
  std::uint32_t find_tag(std::string_view tag) const;                 // kNoSlot when unknown
  std::uint32_t pipeline(std::uint32_t parent, decode::Transform t);  // interns
};

// Compiles what seclang parsed. Never throws: what cannot be compiled is
// reported in the result's report. @pmFromFile data files are read from
// the rule file's folder. With `cache_dir` (waf.compile_cache), Hyperscan
// databases are read from and stored there (compiling all of CRS costs
// seconds of CPU).
std::shared_ptr<RuleSet> compile_rules(const seclang::ParseResult& parsed,
                                       const std::filesystem::path* cache_dir = nullptr);

// Parses and compiles rule files (paths or globs, in order).
std::shared_ptr<RuleSet> load_rules(std::span<const std::string> files,
                                    const std::filesystem::path* cache_dir = nullptr);

// Debian's CRS in owasp-crs.load order.
std::vector<std::string> debian_crs_files();

}  // namespace centinela::waf
