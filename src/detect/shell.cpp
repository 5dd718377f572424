#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>

#include "detect/byte_gate.h"
#include "detect/detect.h"
#include "detect/shell_commands.h"

namespace centinela::detect {
namespace {

constexpr std::size_t kMaxWord = 40;
// Glob words (/???/c?t) are matched against every command: a few per value
// keep hostile input linear.
constexpr int kMaxGlobWords = 8;

constexpr bool is_blank(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_separator(char c) {
  return c == ';' || c == '|' || c == '&' || c == '\n' || c == '\r';
}
constexpr bool ends_word(char c) {
  return is_blank(c) || is_separator(c) || c == '`' || c == '(' || c == ')' || c == '<' ||
         c == '>' || c == ',' || c == '{' || c == '}' || c == 0;
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Blanks as a shell sees them, including the tricks: ${IFS}, $IFS$9, and
// the '{' of brace expansion ({cat,/etc/passwd}) or a subshell's '('.
std::size_t skip_blanks(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    const std::string_view rest = text.substr(at);
    if (is_blank(text[at]) || text[at] == '{' || text[at] == '(') {
      ++at;
    } else if (rest.starts_with("${IFS}")) {
      at += 6;
    } else if (rest.starts_with("$IFS")) {
      at += 4;
      if (at + 1 < text.size() && text[at] == '$' && text[at + 1] >= '0' && text[at + 1] <= '9') {
        at += 2;
      }
    } else {
      break;
    }
  }
  return at;
}

struct Word {
  std::array<char, kMaxWord> bytes{};
  std::size_t size = 0;
  bool glob = false;
  std::size_t end = 0;
  std::string_view view() const { return {bytes.data(), size}; }
};

// The command word at `at`, as the shell would run it: quotes, '\' and
// cmd.exe's '^' removed, $@ $* $1 ${x} dropped, the directory cut off.
bool read_word(std::string_view text, std::size_t at, Word& word) {
  while (at < text.size() && !ends_word(text[at])) {
    const char c = text[at];
    if (c == '\\' && word.size > 0 && at + 1 < text.size() &&
        (text[at + 1] == 'n' || text[at + 1] == 'r')) {
      break;  // ";id\n": a newline as fuzz lists write it (see escaped_newline)
    }
    if (c == '\'' || c == '"' || c == '\\' || c == '^') {
      ++at;
    } else if (c == '$' && at + 1 < text.size() &&
               (text[at + 1] == '@' || text[at + 1] == '*' ||
                (text[at + 1] >= '0' && text[at + 1] <= '9'))) {
      at += 2;
    } else if (c == '$' &&
               (text.substr(at).starts_with("${IFS}") || text.substr(at).starts_with("$IFS"))) {
      break;  // a blank once expanded: cat${IFS}/etc/passwd
    } else if (c == '$' && at + 1 < text.size() && text[at + 1] == '{') {
      const std::size_t close = text.substr(0, at + 64).find('}', at);
      if (close == std::string_view::npos) return false;
      at = close + 1;
    } else if (c == '/') {
      word.size = 0;  // /usr/bin/id → id
      word.glob = false;
      ++at;
    } else {
      if (word.size == kMaxWord) return false;
      word.glob = word.glob || c == '?' || c == '*';
      word.bytes[word.size++] = lower(c);
      ++at;
    }
  }
  word.end = at;
  const std::string_view exe = ".exe";
  if (word.view().ends_with(exe)) word.size -= exe.size();
  return word.size > 0;
}

// '?' is any byte; a '*' matches the rest (what comes after it is not
// checked: command names are short and the word is already suspicious).
bool glob_matches(std::string_view glob, std::string_view name) {
  std::size_t i = 0;
  for (; i < glob.size(); ++i) {
    if (glob[i] == '*') return true;
    if (i >= name.size() || (glob[i] != '?' && glob[i] != name[i])) return false;
  }
  return i == name.size();
}

// Which (first byte, length) and (last byte, length) pairs the names of a
// command list have: a word with a pair no name has is none of them,
// without a binary search.
class EndsAndLength {
 public:
  explicit EndsAndLength(std::span<const std::string_view> names) { add(names); }
  void add(std::span<const std::string_view> names) {
    for (std::string_view name : names) {
      if (name.empty() || name.size() > kMaxWord) continue;
      const std::uint64_t length = std::uint64_t{1} << name.size();
      by_first_[static_cast<unsigned char>(name.front())] |= length;
      by_last_[static_cast<unsigned char>(name.back())] |= length;
    }
  }
  // The last byte too: "card", "city" start and end as no name does.
  bool may_hold(std::string_view word) const {
    return word.empty() || may_hold(word.front(), word.back(), word.size());
  }
  bool may_hold(char front, char back, std::size_t size) const {
    if (size > kMaxWord) return true;  // let the search decide (and for "")
    return (by_first_[static_cast<unsigned char>(front)] &
            by_last_[static_cast<unsigned char>(back)]) >>
               size &
           1;
  }

 private:
  std::array<std::uint64_t, 256> by_first_{}, by_last_{};
};

std::optional<std::string_view> find_command(std::span<const std::string_view> commands,
                                             const Word& word, int& globs_left) {
  if (!word.glob) {
    // The two lists are static: one filter each, built on first use.
    static const EndsAndLength main_list(shell_commands());
    static const EndsAndLength word_list(shell_word_commands());
    const EndsAndLength* filter = commands.data() == shell_commands().data()        ? &main_list
                                  : commands.data() == shell_word_commands().data() ? &word_list
                                                                                    : nullptr;
    if (filter != nullptr && !filter->may_hold(word.view())) return std::nullopt;
    const auto it = std::lower_bound(commands.begin(), commands.end(), word.view());
    if (it != commands.end() && *it == word.view()) return *it;
    return std::nullopt;
  }
  if (globs_left <= 0 || std::none_of(word.view().begin(), word.view().end(),
                                      [](char c) { return c >= 'a' && c <= 'z'; })) {
    return std::nullopt;
  }
  for (std::string_view command : commands) {
    if (glob_matches(word.view(), command)) return command;
  }
  return std::nullopt;
}

// Whether what follows a command word reads as its command line: nothing
// (end, separator, redirection), or an option, a path, a variable, a
// drive, a URL.
// `strict` (a value that starts with the word): an option, a path, a
// variable, a drive or a URL only.
bool looks_like_arguments(std::string_view text, std::size_t at, bool end_counts, bool strict) {
  at = skip_blanks(text, at);
  if (at >= text.size()) return end_counts && !strict;
  const char c = text[at];
  if (!strict &&
      (is_separator(c) || c == '`' || c == ')' || c == '>' || c == '<' || c == '"' || c == '\'')) {
    return true;
  }
  if (c == '-' || c == '/' || c == '~' || c == '$' || c == '\\') return true;
  if (c == '%') {  // a Windows variable: type %SYSTEMROOT%\win.ini
    std::size_t end = at + 1;
    while (end < text.size() && end - at < 32 &&
           ((lower(text[end]) >= 'a' && lower(text[end]) <= 'z') || text[end] == '_')) {
      ++end;
    }
    if (end > at + 1 && end < text.size() && text[end] == '%') return true;
  }
  if (c == '.' && at + 1 < text.size() && (text[at + 1] == '/' || text[at + 1] == '.')) return true;
  const std::string_view rest = text.substr(at, 64);
  if (rest.size() >= 3 && rest[1] == ':' && (rest[2] == '\\' || rest[2] == '/')) return true;
  const std::size_t end = std::min(rest.find_first_of(" \t"), rest.size());
  return rest.substr(0, end).find("://") != std::string_view::npos;
}

enum class Opening { start, separator, single_ampersand, substitution };

bool ends_with_lower(std::string_view text, std::string_view lower_suffix) {
  if (text.size() < lower_suffix.size()) return false;
  text = text.substr(text.size() - lower_suffix.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != lower_suffix[i]) return false;
  }
  return true;
}

// Where a command starts inside a call that runs one (PHP's system('id'),
// exec, passthru, shell_exec, popen; SSI's <!--#exec cmd="…"), for the '('
// or '=' at value[i] followed by a quote; 0 for none.
std::size_t call_argument(std::string_view value, std::size_t i) {
  if (i + 1 >= value.size() || (value[i + 1] != '\'' && value[i + 1] != '"')) return 0;
  const std::string_view before = value.substr(0, i);
  if (value[i] == '=') return ends_with_lower(before, "#exec cmd") ? i + 2 : 0;
  for (std::string_view call : {"system", "exec", "passthru", "popen", "proc_open"}) {
    if (ends_with_lower(before, call)) return i + 2;
  }
  return 0;
}

std::optional<Detection> command_at(std::string_view text, std::size_t at, Opening opening,
                                    std::size_t begin, int& globs_left) {
  const std::size_t blanks_start = at;
  at = skip_blanks(text, at);
  Word word;
  if (!read_word(text, at, word)) return std::nullopt;
  // "base64," in a data: URL is no command; {cat,/etc/passwd} is one.
  const bool in_braces =
      text.substr(blanks_start, at - blanks_start).find('{') != std::string_view::npos;
  bool needs_braces_arguments = false;
  if (word.end < text.size() && text[word.end] == ',') {
    if (!in_braces) return std::nullopt;
    needs_braces_arguments = true;
  }
  if (word.glob) --globs_left;
  std::optional<std::string_view> command = find_command(shell_commands(), word, globs_left);
  bool needs_arguments = opening == Opening::start;
  if (!command) {
    command = find_command(shell_word_commands(), word, globs_left);
    needs_arguments = opening != Opening::substitution;
  }
  if (!command) return std::nullopt;
  // A value that starts with a command needs its command line to say so
  // ("cat /etc/hosts", not "cat videos" or "Find \"Nemo\"").
  if (needs_braces_arguments) needs_arguments = false;  // {cat,/etc/passwd}
  if (needs_arguments && !looks_like_arguments(text, word.end, opening == Opening::separator,
                                               opening == Opening::start)) {
    return std::nullopt;
  }
  return Detection{Kind::shell, *command, static_cast<std::uint32_t>(begin),
                   static_cast<std::uint32_t>(word.end)};
}

// Whether the line ending at `end` (a newline) is one a command could
// follow: a single token, not prose and not a markdown fence.
bool line_is_token(std::string_view text, std::size_t line_start, std::size_t end) {
  const std::string_view line = text.substr(line_start, end - line_start);
  return line.find(' ') == std::string_view::npos && !line.starts_with("```");
}

// Markdown code (`…`, ``` fences) holds shell commands that are shown, not
// run: separators inside open no command. An opening backtick at the start
// or after a non-blank is a substitution too (1`id`); after a blank it is
// taken for markdown's inline code (" `make`") and lets its command pass.
struct Markdown {
  bool in_span = false;
  bool in_fence = false;

  // Reads the backticks at value[i]; returns how many, and whether the
  // first opens a command substitution.
  std::size_t read(std::string_view value, std::size_t i, bool& substitution) {
    std::size_t run = 1;
    while (i + run < value.size() && value[i + run] == '`') ++run;
    substitution = false;
    if (run >= 3) {
      in_fence = !in_fence;
    } else if (in_span) {
      in_span = false;
    } else if (!in_fence) {
      in_span = true;
      substitution = i == 0 || !is_blank(value[i - 1]);
    }
    return run;
  }
  bool inside() const { return in_span || in_fence; }
};

}  // namespace

namespace {

constexpr std::string_view kRecon[] = {"ifconfig",   "ipconfig", "whoami",   "netstat", "sysinfo",
                                       "systeminfo", "nslookup", "tasklist", "uname"};
// The first words lone_command and recon_command read besides the lists'.
constexpr std::string_view kLoneWords[] = {"sleep", "net", "reg", "which"};

// A whole value that is one of the reconnaissance commands no word of prose
// or field value spells ("ifconfig", "whoami -all"), or `which` asking for a
// known command ("which gcc"): the first probe of a command injection.
std::optional<Detection> recon_command(std::string_view value) {
  // After a quote that closes an argument ("' whoami"): the value is
  // the command still.
  std::size_t begin = skip_blanks(value, 0);
  if (begin < value.size() && (value[begin] == '\'' || value[begin] == '"')) {
    begin = skip_blanks(value, begin + 1);
  }
  std::size_t end = begin;
  while (end < value.size() && static_cast<unsigned char>(value[end]) > 0x20) ++end;
  std::string_view first = value.substr(begin, end - begin);
  std::size_t rest = skip_blanks(value, end);
  bool which = false;
  if (first == "which" && rest < value.size()) {  // which gcc
    which = true;
    begin = rest;
    end = begin;
    while (end < value.size() && static_cast<unsigned char>(value[end]) > 0x20) ++end;
    first = value.substr(begin, end - begin);
    rest = skip_blanks(value, end);
  }
  // Nothing after it but flags ("uname -a", "netstat -an").
  while (rest < value.size() && value[rest] == '-') {
    while (rest < value.size() && static_cast<unsigned char>(value[rest]) > 0x20) ++rest;
    rest = skip_blanks(value, rest);
  }
  if (rest != value.size() || first.empty()) return std::nullopt;
  auto same = [](std::string_view a, std::string_view lower_b) {
    if (a.size() != lower_b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
      if (c != lower_b[i]) return false;
    }
    return true;
  };
  for (std::string_view command : kRecon) {
    if (same(first, command))
      return Detection{Kind::shell, command, 0, static_cast<std::uint32_t>(end)};
  }
  if (which) {
    Word word;
    std::size_t at = begin;
    int globs = 0;
    if (read_word(value, at, word)) {
      if (auto command = find_command(shell_commands(), word, globs)) {
        return Detection{Kind::shell, *command, 0, static_cast<std::uint32_t>(end)};
      }
    }
  }
  return std::nullopt;
}

// "\n" or "\r" written out, as fuzz lists spell a newline (";id\n",
// "\nid|"), at the start or after a blank or separator: never inside a word
// or a Windows path ("C:\new"), nor in code ("printf(\"a\\n\")").
bool escaped_newline(std::string_view value, std::size_t i) {
  if (i + 1 >= value.size() || (value[i + 1] != 'n' && value[i + 1] != 'r')) return false;
  return i == 0 || is_blank(value[i - 1]) || is_separator(value[i - 1]);
}

// Whether a Windows switch ("/add", "/v") follows `at`: what tells "net user
// x y /add" from "Net user growth".
bool has_switch(std::string_view value, std::size_t at) {
  for (std::size_t i = value.find(" /", at); i != std::string_view::npos;
       i = value.find(" /", i + 2)) {
    if (i + 2 < value.size() && lower(value[i + 2]) >= 'a' && lower(value[i + 2]) <= 'z')
      return true;
  }
  return false;
}

// A whole value that is a command no field holds: "sleep 10" (the probe of
// a blind injection: nothing but a number after it), Windows' net and reg
// with a subcommand and a switch ("net localgroup Administrators x /add").
std::optional<Detection> lone_command(std::string_view value) {
  struct Subcommands {
    std::string_view command;
    std::initializer_list<std::string_view> words;
  };
  static const Subcommands kSubcommands[] = {
      {"net", {"user", "localgroup", "group", "view", "share", "use", "accounts", "session"}},
      {"reg", {"add", "query", "delete", "export", "import", "save", "load"}},
  };
  Word word;
  if (!read_word(value, skip_blanks(value, 0), word)) return std::nullopt;
  const std::size_t at = skip_blanks(value, word.end);
  if (word.view() == "sleep") {
    std::size_t end = at;
    while (end < value.size() && value[end] >= '0' && value[end] <= '9') ++end;
    if (end == at || skip_blanks(value, end) != value.size()) return std::nullopt;
    return Detection{Kind::shell, "sleep", 0, static_cast<std::uint32_t>(end)};
  }
  for (const Subcommands& entry : kSubcommands) {
    if (word.view() != entry.command) continue;
    Word sub;
    if (!read_word(value, at, sub)) return std::nullopt;
    for (std::string_view name : entry.words) {
      if (sub.view() == name && has_switch(value, sub.end)) {
        return Detection{Kind::shell, entry.command, 0, static_cast<std::uint32_t>(sub.end)};
      }
    }
  }
  return std::nullopt;
}

}  // namespace

// Without an opening, detect_shell reads only the value's first word:
// recon_command, lone_command and command_at(start) each need it to be one
// of their names (kRecon, kLoneWords, the two lists). The word is read as
// read_word reads it; a byte read_word treats specially (quotes, escapes,
// variables, a directory, a glob) and skip_blanks' ${IFS} leave the
// decision to the detector.
bool may_start_command(std::string_view value) {
  static const EndsAndLength names = [] {
    EndsAndLength all(shell_commands());
    all.add(shell_word_commands());
    all.add(kRecon);
    all.add(kLoneWords);
    return all;
  }();
  // Per byte: what read_word does with it (one look-up, not a chain of
  // tests: most values of a request come here).
  enum : char { kPlain, kEnds, kSpecial };
  static constexpr auto kByte = [] {
    std::array<char, 256> kinds{};
    for (unsigned c = 0; c < 256; ++c) {
      const char b = static_cast<char>(c);
      kinds[c] = ends_word(b)                                             ? kEnds
                 : is_one_of(static_cast<unsigned char>(c), "'\"\\^$/?*") ? kSpecial
                                                                          : kPlain;
    }
    return kinds;
  }();
  std::size_t at = 0;
  while (at < value.size() && (is_blank(value[at]) || value[at] == '{' || value[at] == '(')) ++at;
  // The word's end first; lower-cased only when its ends and length are a name's.
  const std::size_t start = at;
  for (; at < value.size(); ++at) {
    const char kind = kByte[static_cast<unsigned char>(value[at])];
    if (kind == kEnds) break;
    if (kind == kSpecial) return true;
    if (at - start == kMaxWord) return false;  // read_word gives up as well
  }
  std::string_view raw = value.substr(start, at - start);
  if (ends_with_lower(raw, ".exe")) raw.remove_suffix(4);  // read_word drops it too
  if (raw.empty()) return false;
  if (!names.may_hold(lower(raw.front()), lower(raw.back()), raw.size())) return false;
  Word word;
  for (const char c : raw) word.bytes[word.size++] = lower(c);
  const auto listed = [&](std::span<const std::string_view> sorted) {
    return std::binary_search(sorted.begin(), sorted.end(), word.view());
  };
  const auto among = [&](std::span<const std::string_view> few) {
    return std::find(few.begin(), few.end(), word.view()) != few.end();
  };
  return listed(shell_commands()) || listed(shell_word_commands()) || among(kRecon) ||
         among(kLoneWords);
}

std::optional<Detection> detect_shell(std::string_view value) {
  if (value.size() > UINT32_MAX) return std::nullopt;
  if (auto found = recon_command(value)) return found;
  if (auto found = lone_command(value)) return found;
  int globs_left = kMaxGlobWords;
  if (auto found = command_at(value, 0, Opening::start, 0, globs_left)) return found;
  // The loop below opens a command only at one of these bytes.
  if (!kShellOpenings.any_in(value)) return std::nullopt;
  std::size_t line_start = 0;
  Markdown markdown;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    std::size_t at = i + 1;
    Opening opening = Opening::separator;
    if (c == '`') {
      bool substitution;
      const std::size_t run = markdown.read(value, i, substitution);
      i += run - 1;
      if (!substitution) continue;
      opening = Opening::substitution;
    } else if ((c == '$' || c == '<' || c == '>') && i + 1 < value.size() && value[i + 1] == '(') {
      if (c == '$' && i + 2 < value.size() && value[i + 2] == '(') continue;  // $(( arithmetic
      at = i + 2;
      opening = Opening::substitution;
    } else if ((c == '(' || c == '=') && call_argument(value, i) != 0) {
      at = call_argument(value, i);
      opening = Opening::substitution;
    } else if (markdown.inside()) {
      continue;
    } else if (c == '\\' && escaped_newline(value, i)) {
      at = i + 2;
    } else if (c == '\n' || c == '\r') {
      const bool token = line_is_token(value, line_start, i);
      line_start = i + 1;
      if (!token) continue;
    } else if (c == ';' || c == '|' || c == '&') {
      while (at < value.size() && (value[at] == '|' || value[at] == '&')) ++at;
      if (c == '&' && at == i + 1) opening = Opening::single_ampersand;
    } else {
      continue;
    }
    if (auto found = command_at(value, at, opening, i, globs_left)) return found;
  }
  return std::nullopt;
}

}  // namespace centinela::detect
