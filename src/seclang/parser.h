// The reader behind parse_files / parse_text: directives one logical line
// at a time, chains linked, Include read in place, errors collected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "seclang/context.h"
#include "seclang/parse.h"
#include "seclang/words.h"

namespace centinela::seclang::detail {

class Parser {
 public:
  explicit Parser(bool includes = true) : diagnostics_(result.errors), includes_(includes) {}

  // `pattern` (a path or a glob) relative to `base_dir` unless absolute.
  // `from`: the Include that names it (for errors), or null at the top.
  void read_path(const std::string& pattern, const std::string& base_dir, const Location* from,
                 bool optional);
  // `file` names the text in locations; includes resolve against its folder.
  void read_text(std::string_view text, const std::string& file);

  ParseResult result;

 private:
  struct Chain {
    bool open = false;     // the last rule read ends with `chain`
    bool discard = false;  // its first rule was broken: links are checked, not kept
    bool too_long = false;
    std::size_t head = 0;   // index in result.items of the first rule
    std::size_t links = 0;  // rules in it so far
    Location last;          // the rule that ends with `chain`
  };
  struct FileState {
    const std::string& file;
    std::string base_dir;
    Chain chain;
  };

  void read_file(const std::string& path, const Location* from, bool optional);
  void directive(const LogicalLine& line, FileState& state);
  void rule(bool is_action, const std::vector<Word>& words, const LineContext& context,
            FileState& state);
  void parse_rule_words(bool is_action, const std::vector<Word>& words, const LineContext& context,
                        Rule& rule, std::vector<std::size_t>& offsets);
  void check_actions(const Rule& rule, const std::vector<std::size_t>& offsets,
                     const LineContext& context, bool link, bool want_id);
  void place(Rule rule, bool link, bool broken, FileState& state);
  void name_rule_in_errors(const Rule& rule, bool link, std::size_t listed_before,
                           const Chain& chain);
  void other(std::string_view name, const std::vector<Word>& words, const LineContext& context);
  void interrupt_chain(const Location& where, std::string_view what, Chain& chain);

  Diagnostics diagnostics_;
  bool includes_;
  std::unordered_map<std::uint32_t, Location> ids_;
  std::vector<std::string> reading_;  // the files being read, outermost first
};

}  // namespace centinela::seclang::detail
