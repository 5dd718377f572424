#include "detect/sql_lexer.h"

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace centinela::detect {
namespace {

bool is_blank(unsigned char c) {
  // NUL and the no-break space too: databases and their drivers differ,
  // and an attacker picks whichever one skips.
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0 || c == 0xa0;
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_word_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_word_char(unsigned char c) { return is_word_start(c) || is_digit(c) || c == '$'; }
char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

}  // namespace

SqlLexer::SqlLexer(std::string_view text, char open_quote) : text_(text), open_quote_(open_quote) {}

bool SqlLexer::next(SqlToken& token) {
  if (open_quote_ != 0) {
    const char quote = open_quote_;
    open_quote_ = 0;
    lex_string(token, 0, quote);
    token.begin = 0;
    return true;
  }
  while (pos_ < text_.size()) {
    if (is_blank(text_[pos_])) {
      ++pos_;
      continue;
    }
    if (lex_at(token)) return true;
  }
  return false;
}

// One token at pos_ (not blank); false when the bytes there make none (a
// stray '\', the end of an executable comment).
bool SqlLexer::lex_at(SqlToken& token) {
  const auto c = static_cast<unsigned char>(text_[pos_]);
  const auto next = pos_ + 1 < text_.size() ? static_cast<unsigned char>(text_[pos_ + 1]) : 0;
  token = SqlToken{};
  token.begin = static_cast<std::uint32_t>(pos_);
  if (lex_comment(token)) return token.type != 0;
  if (c == '\'' || c == '"') {
    lex_string(token, pos_ + 1, static_cast<char>(c));
  } else if (c == '`') {
    lex_delimited(token, sql::kBareword, '`');
  } else if (c == '[') {
    lex_delimited(token, sql::kBareword, ']');
  } else if (is_digit(c) || (c == '.' && is_digit(next))) {
    lex_number(token);
  } else if (is_word_start(c)) {
    lex_word(token);
  } else if (c == '@') {
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '@') ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"' || text_[pos_] == '`')) {
      lex_delimited(token, sql::kVariable, text_[pos_]);
    } else {
      while (pos_ < text_.size() && (is_word_char(text_[pos_]) || text_[pos_] == '.')) ++pos_;
      token.type = sql::kVariable;
    }
  } else if (c == '(' || c == ')' || c == ',' || c == ';') {
    token.type = static_cast<char>(c);
    ++pos_;
  } else if (std::string_view("=<>!+-*/%^|&~:?").find(static_cast<char>(c)) !=
             std::string_view::npos) {
    lex_operator(token);
  } else {
    ++pos_;  // '\', '{', '}', '.', '$' …: no token of their own
    return false;
  }
  token.end = static_cast<std::uint32_t>(pos_);
  return true;
}

// Comments: -- and # to the end of the line, /* … */ (unterminated: to the
// end). MySQL runs the inside of /*! … */, so that opens no comment.
bool SqlLexer::lex_comment(SqlToken& token) {
  const std::string_view rest = text_.substr(pos_);
  if (in_executable_comment_ && rest.starts_with("*/")) {
    in_executable_comment_ = false;
    pos_ += 2;
    return true;  // token.type stays 0: nothing to report
  }
  if (rest.starts_with("/*!")) {
    pos_ += 3;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;  // version
    in_executable_comment_ = true;
    return true;
  }
  std::size_t end;
  if (rest.starts_with("--") || rest.starts_with("#")) {
    end = text_.find('\n', pos_);
  } else if (rest.starts_with("/*")) {
    end = text_.find("*/", pos_ + 2);
    if (end != std::string_view::npos) end += 2;
  } else {
    return false;
  }
  pos_ = end == std::string_view::npos ? text_.size() : end;
  // Injections end with a bare comment to cut the query off; prose and
  // search terms with one ("quote" -- author, "#2 MOM") have words in it.
  std::size_t alnum = 0;
  for (std::size_t i = token.begin; i < pos_ && alnum < 3; ++i) {
    alnum += std::isalnum(static_cast<unsigned char>(text_[i])) ? 1 : 0;
  }
  token.type = alnum >= 3 ? sql::kCommentText : rest[0] == '#' ? sql::kHashComment : sql::kComment;
  token.end = static_cast<std::uint32_t>(pos_);
  return true;
}

// A string literal whose content starts at `start`: backslash escapes and
// doubled quotes both continue it; unterminated, it runs to the end.
void SqlLexer::lex_string(SqlToken& token, std::size_t start, char quote) {
  std::size_t i = start;
  while (i < text_.size()) {
    const char c = text_[i];
    if (c == '\\') {
      i += 2;
    } else if (c == quote) {
      if (i + 1 < text_.size() && text_[i + 1] == quote) {
        i += 2;
      } else {
        ++i;
        break;
      }
    } else {
      ++i;
    }
  }
  pos_ = std::min(i, text_.size());
  token.type = sql::kString;
  token.end = static_cast<std::uint32_t>(pos_);
}

void SqlLexer::lex_delimited(SqlToken& token, char type, char close) {
  const std::size_t end = text_.find(close, pos_ + 1);
  pos_ = end == std::string_view::npos ? text_.size() : end + 1;
  token.type = type;
}

// 12, 1.5, .5, 1e-3, 0x1f, 0b101. What follows without a blank (1union)
// starts the next token, as MySQL reads it.
void SqlLexer::lex_number(SqlToken& token) {
  token.type = sql::kNumber;
  if (text_[pos_] == '0' && pos_ + 1 < text_.size() &&
      (lower(text_[pos_ + 1]) == 'x' || lower(text_[pos_ + 1]) == 'b')) {
    pos_ += 2;
    while (pos_ < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return;
  }
  while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
  if (pos_ + 1 < text_.size() && lower(text_[pos_]) == 'e' &&
      (is_digit(text_[pos_ + 1]) || ((text_[pos_ + 1] == '-' || text_[pos_ + 1] == '+') &&
                                     pos_ + 2 < text_.size() && is_digit(text_[pos_ + 2])))) {
    pos_ += 2;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
}

void SqlLexer::lex_operator(SqlToken& token) {
  static constexpr std::string_view kTwo[] = {"<=>", "<=", ">=", "<>", "!=", ":=", "::", "||",
                                              "&&",  "<<", ">>", "->", "!<", "!>", "^="};
  const std::string_view rest = text_.substr(pos_);
  std::size_t length = 1;
  // Every longer operator's second byte is one of these: the rest of the
  // prose's '-' and ',' need no comparison.
  const bool may_be_longer =
      rest.size() > 1 && std::string_view("=>:|&<").find(rest[1]) != std::string_view::npos;
  for (std::string_view op : kTwo) {
    if (!may_be_longer) break;
    if (rest.starts_with(op)) {
      length = op.size();
      break;
    }
  }
  const std::string_view op = rest.substr(0, length);
  token.op = op[0];
  if (op == "||" || op == "&&") {
    token.type = sql::kLogic;
  } else {
    token.type = sql::kOperator;
    token.arithmetic = length == 1
                           ? std::string_view("+-*/%^|&").find(op[0]) != std::string_view::npos
                           : (op == "<<" || op == ">>");
  }
  pos_ += length;
}

std::size_t SqlLexer::skip_blank(std::size_t at) const {
  while (at < text_.size()) {
    if (is_blank(text_[at])) {
      ++at;
    } else if (text_.substr(at).starts_with("/*") && !text_.substr(at).starts_with("/*!")) {
      const std::size_t end = text_.find("*/", at + 2);
      at = end == std::string_view::npos ? text_.size() : end + 2;
    } else {
      break;
    }
  }
  return at;
}

std::string_view SqlLexer::peek_word(std::size_t at) const {
  at = skip_blank(at);
  std::size_t end = at;
  while (end < text_.size() && is_word_char(text_[end])) ++end;
  return text_.substr(at, end - at);
}

}  // namespace centinela::detect
