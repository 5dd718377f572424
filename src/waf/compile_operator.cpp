// Operators and macros of a rule, compiled at load.
#include <cctype>
#include <filesystem>
#include <fstream>

#include "pattern/confirmer.h"
#include "pattern/literal_set.h"
#include "waf/compile_detail.h"
#include "waf/ip_set.h"
#include "waf/text.h"

namespace centinela::waf::detail {

namespace {

struct OpName {
  std::string_view name;
  OpKind kind;
};

constexpr OpName kOperators[] = {
    {"rx", OpKind::rx},
    {"pm", OpKind::pm},
    {"pmFromFile", OpKind::pm},
    {"streq", OpKind::streq},
    {"contains", OpKind::contains},
    {"containsWord", OpKind::contains_word},
    {"beginsWith", OpKind::begins_with},
    {"endsWith", OpKind::ends_with},
    {"within", OpKind::within},
    {"eq", OpKind::eq},
    {"ge", OpKind::ge},
    {"gt", OpKind::gt},
    {"lt", OpKind::lt},
    {"le", OpKind::le},
    {"strmatch", OpKind::str_match},
    {"validateByteRange", OpKind::validate_byte_range},
    {"validateUrlEncoding", OpKind::validate_url_encoding},
    {"validateUtf8Encoding", OpKind::validate_utf8_encoding},
    {"ipMatch", OpKind::ip_match},
    {"detectSQLi", OpKind::detect_sqli},
    {"detectXSS", OpKind::detect_xss},
    {"detectShell", OpKind::detect_shell},
    {"detectPath", OpKind::detect_path},
    {"unconditionalMatch", OpKind::unconditional},
};

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find(' ', pos);
    const std::string_view w =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!w.empty()) words.emplace_back(w);
    pos = end == std::string_view::npos ? text.size() : end + 1;
  }
  return words;
}

// @pmFromFile's files (relative to the rule's file), one phrase a line.
bool read_word_files(std::string_view names, const seclang::Rule& rule,
                     std::vector<std::string>& words, CompileContext& ctx) {
  const std::filesystem::path base = std::filesystem::path(rule.where.file).parent_path();
  for (const std::string& name : split_words(names)) {
    std::ifstream in(base / name);
    if (!in) {
      ctx.error = "cannot read @pmFromFile data " + (base / name).string();
      return false;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const std::string_view w = trim(line);
      if (w.empty() || w.front() == '#') continue;
      words.emplace_back(w);
    }
  }
  return true;
}

void compile_pm(Operator& out, const seclang::Operator& op, const seclang::Rule& rule,
                CompileContext& ctx) {
  const std::string key = op.name + ":" + rule.where.file + ":" + op.argument;
  if (auto it = ctx.literal_sets.find(key); it != ctx.literal_sets.end()) {
    out.literals = it->second;
    return;
  }
  std::vector<std::string> words;
  if (op.name == "pmFromFile") {
    if (!read_word_files(op.argument, rule, words, ctx)) return;
  } else {
    words = split_words(op.argument);
  }
  std::string error;
  std::shared_ptr<const pattern::LiteralSet> set =
      pattern::LiteralSet::build(words, error, ctx.cache_dir);
  if (!set) {
    ctx.error = "@" + op.name + ": " + error;
    return;
  }
  ctx.literal_sets.emplace(key, set);
  ctx.literal_words.emplace(set.get(), std::move(words));
  out.literals = std::move(set);
}

// "32-126,9,10" as a table of allowed bytes.
bool byte_ranges(std::string_view text, std::array<bool, 256>& allowed) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (item.empty()) continue;
    const std::size_t dash = item.find('-');
    const std::int64_t first = to_number(item.substr(0, dash));
    const std::int64_t last =
        dash == std::string_view::npos ? first : to_number(item.substr(dash + 1));
    if (first < 0 || last > 255 || first > last) return false;
    for (std::int64_t b = first; b <= last; ++b) allowed[static_cast<std::size_t>(b)] = true;
  }
  return true;
}

}  // namespace

// `\\` read as `\` (see compile_operator).
static std::string unescape_backslashes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out.push_back(text[i]);
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') ++i;
  }
  return out;
}

std::shared_ptr<const pattern::Confirmer> regex(std::string_view pattern, CompileContext& ctx) {
  const std::string key(pattern);
  if (auto it = ctx.regexes.find(key); it != ctx.regexes.end()) return it->second;
  std::string error;
  std::shared_ptr<const pattern::Confirmer> re = pattern::Confirmer::compile(pattern, error);
  if (!re) {
    ctx.error = "regex does not compile: " + error;
    return nullptr;
  }
  ctx.regexes.emplace(key, re);
  return re;
}

Operator compile_operator(const seclang::Operator& op, const seclang::Rule& rule,
                          CompileContext& ctx) {
  Operator out;
  out.negated = op.negated;
  out.kind = OpKind::never;
  bool known = false;
  for (const OpName& o : kOperators) {
    if (o.name == op.name) {
      out.kind = o.kind;
      known = true;
    }
  }
  if (!known) {
    ctx.not_honoured.push_back("operator @" + op.name + " is not supported");
    return out;
  }
  switch (out.kind) {
    case OpKind::rx:
      // A pattern with macros (920480's `^%{tx.allowed_request_content_type_charset}$`)
      // is compiled again by make_program once the TX values are known.
      if (op.argument.find("%{") != std::string::npos) {
        out.argument = parse_macro(op.argument, ctx, rule);
      }
      // CRS writes @rx for ModSecurity 2's reading of a quoted argument: `\\`
      // is `\`, so the file's `\\\\` is PCRE's `\\` (one literal backslash);
      // 920460's and 941330's regression tests rely on it.
      out.source = unescape_backslashes(op.argument);
      out.regex = regex(out.source, ctx);
      break;
    case OpKind::pm:
      compile_pm(out, op, rule, ctx);
      break;
    case OpKind::ip_match: {
      auto ips = std::make_shared<IpSet>();
      if (!ips->add_list(op.argument)) ctx.error = "@ipMatch: not an address list";
      out.ips = std::move(ips);
      break;
    }
    case OpKind::validate_byte_range: {
      auto allowed = std::make_shared<std::array<bool, 256>>();
      if (!byte_ranges(op.argument, *allowed)) ctx.error = "@validateByteRange: bad range";
      for (unsigned c = 0; c < 256; ++c) {
        if (!(*allowed)[c]) out.outside[c >> 6] |= std::uint64_t{1} << (c & 63);
      }
      out.allowed = std::move(allowed);
      break;
    }
    case OpKind::detect_sqli:
    case OpKind::detect_xss:
    case OpKind::detect_shell:
    case OpKind::detect_path:
      break;  // centinela's own detectors (src/detect), in libinjection's place
    default:
      out.argument = parse_macro(op.argument, ctx, rule);
  }
  return out;
}

Macro parse_macro(std::string_view text, CompileContext& ctx, const seclang::Rule& rule) {
  Macro macro;
  auto literal = [&](std::string_view piece) {
    if (piece.empty()) return;
    if (!macro.parts.empty() && macro.parts.back().kind == MacroPart::Kind::literal) {
      macro.parts.back().text.append(piece);
    } else {
      macro.parts.push_back(MacroPart{MacroPart::Kind::literal, std::string(piece)});
    }
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("%{", pos);
    const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      literal(text.substr(pos));
      break;
    }
    literal(text.substr(pos, open - pos));
    pos = close + 1;
    const std::string_view name = text.substr(open + 2, close - open - 2);
    const std::size_t dot = name.find('.');
    const std::string collection = [&] {
      std::string c(name.substr(0, dot));
      for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return c;
    }();
    const std::string key = dot == std::string_view::npos ? "" : lower(name.substr(dot + 1));
    if (collection == "RULE") {
      if (key == "id") literal(std::to_string(rule.id().value_or(0)));
      if (key == "msg") literal(rule.msg());
      continue;
    }
    const std::optional<Var> var = var_from_name(collection);
    if (!var) continue;  // ModSecurity expands an unknown variable to nothing
    MacroPart part;
    if (*var == Var::tx) {
      part.kind = MacroPart::Kind::tx;
      part.slot = ctx.set.tx.slot(key);
    } else {
      part.kind = MacroPart::Kind::var;
      part.target.var = *var;
      part.target.selector = key;
    }
    macro.parts.push_back(std::move(part));
  }
  return macro;
}

}  // namespace centinela::waf::detail
