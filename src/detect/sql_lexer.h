// A SQL lexer for detection, not for execution: it reads any bytes as the
// union of the common dialects (MySQL, PostgreSQL, MSSQL, Oracle, SQLite)
// and yields one typed token at a time, without allocating. Folding the
// tokens into a fingerprint is sql_fingerprint's job.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace centinela::detect {

// Token types, one character each so that a run of them is a fingerprint.
namespace sql {
inline constexpr char kString = 's';
inline constexpr char kNumber = '1';
inline constexpr char kBareword = 'n';
inline constexpr char kVariable = 'v';
inline constexpr char kOperator = 'o';
inline constexpr char kLogic = '&';        // and, or, xor, &&, ||
inline constexpr char kComment = 'c';      // empty or punctuation: --, #, /**/, -- -
inline constexpr char kCommentText = 'C';  // with words: -- Robert Frost, #2 MOM
inline constexpr char kHashComment = '#';  // a bare MySQL # (prose has "#" far more)
inline constexpr char kKeyword = 'k';      // from, where, into, …
inline constexpr char kStatement = 'E';    // select, insert, drop, exec, …
inline constexpr char kUnion = 'U';        // union [all], intersect, except
inline constexpr char kGroup = 'B';        // group by, order by
inline constexpr char kFunction = 'f';     // a known function, called
inline constexpr char kType = 't';         // a type name (cast … as char)
}  // namespace sql

struct SqlToken {
  char type = 0;
  // For operators: the first byte ('+', '=', …), or '*' for div/mod;
  // `arithmetic` says whether it combines two operands into one value.
  char op = 0;
  bool arithmetic = false;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

class SqlLexer {
 public:
  // `open_quote` is 0 to read the text as it is, or ' or " to read it as
  // the rest of a string literal that the query already opened.
  SqlLexer(std::string_view text, char open_quote);

  // The next token; false at the end of the text.
  bool next(SqlToken& token);

 private:
  bool lex_at(SqlToken& token);
  void lex_string(SqlToken& token, std::size_t start, char quote);
  void lex_number(SqlToken& token);
  void lex_word(SqlToken& token);
  void lex_operator(SqlToken& token);
  bool lex_comment(SqlToken& token);
  void lex_delimited(SqlToken& token, char type, char close);
  std::size_t skip_blank(std::size_t at) const;
  std::string_view peek_word(std::size_t at) const;

  std::string_view text_;
  std::size_t pos_ = 0;
  char open_quote_ = 0;
  bool in_executable_comment_ = false;  // inside MySQL's /*! … */
};

// The keyword table: the type of a word (lower-case) when it is called as a
// function and when it is not; 0/0 for a word that is no keyword.
struct SqlWord {
  std::string_view word;
  char called;  // followed by '('
  char plain;   // otherwise
};
const SqlWord* find_sql_word(std::string_view lower_word);
std::span<const SqlWord> sql_words();  // all of them, sorted

}  // namespace centinela::detect
