// The SQL words the lexer knows, and how it reads a word. The list is ours:
// statements, clauses, operators written as words and the functions that
// injections reach for across MySQL, PostgreSQL, MSSQL, Oracle and SQLite.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <span>

#include "detect/sql_lexer.h"

namespace centinela::detect {
namespace {

// Sorted by word (checked by the unit tests) for a binary search.
constexpr SqlWord kWords[] = {
    {"abs", 'f', 'n'},
    {"acos", 'f', 'n'},
    {"aes_decrypt", 'f', 'n'},
    {"aes_encrypt", 'f', 'n'},
    {"all", 'k', 'k'},
    {"alter", 'E', 'E'},
    {"analyse", 'k', 'k'},
    {"and", '&', '&'},
    {"array_agg", 'f', 'n'},
    {"as", 'k', 'k'},
    {"asc", 'k', 'k'},
    {"ascii", 'f', 'n'},
    {"asin", 'f', 'n'},
    {"atan", 'f', 'n'},
    {"atan2", 'f', 'n'},
    {"avg", 'f', 'n'},
    {"begin", 'k', 'k'},
    {"benchmark", 'f', 'n'},
    {"between", 'o', 'o'},
    {"bigint", 't', 't'},
    {"bin", 'f', 'n'},
    {"binary", 't', 't'},
    {"bit_length", 'f', 'n'},
    {"bitand", 'f', 'n'},
    {"by", 'k', 'k'},
    {"call", 'E', 'E'},
    {"case", 'k', 'k'},
    {"cast", 'f', 'n'},
    {"ceil", 'f', 'n'},
    {"ceiling", 'f', 'n'},
    {"char", 'f', 't'},
    {"char_length", 'f', 'n'},
    {"character_length", 'f', 'n'},
    {"charindex", 'f', 'n'},
    {"chr", 'f', 'n'},
    {"coalesce", 'f', 'n'},
    {"col_name", 'f', 'n'},
    {"collate", 'k', 'k'},
    {"collation", 'f', 'n'},
    {"commit", 'k', 'k'},
    {"compress", 'f', 'n'},
    {"concat", 'f', 'n'},
    {"concat_ws", 'f', 'n'},
    {"connection_id", 'f', 'n'},
    {"conv", 'f', 'n'},
    {"convert", 'f', 'n'},
    {"cos", 'f', 'n'},
    {"cot", 'f', 'n'},
    {"count", 'f', 'n'},
    {"crc32", 'f', 'n'},
    {"create", 'E', 'E'},
    {"cross", 'k', 'k'},
    {"ctxsys.drithsx.sn", 'f', 'n'},
    {"curdate", 'f', 'n'},
    {"current_database", 'f', 'n'},
    {"current_setting", 'f', 'n'},
    {"current_user", 'f', 'k'},
    {"curtime", 'f', 'n'},
    {"database", 'f', 'k'},
    {"datalength", 'f', 'n'},
    {"datetime", 't', 't'},
    {"db_id", 'f', 'n'},
    {"db_name", 'f', 'n'},
    {"dbms_lock.sleep", 'f', 'n'},
    {"dbms_pipe.receive_message", 'f', 'n'},
    {"deallocate", 'E', 'E'},
    {"decimal", 't', 't'},
    {"declare", 'E', 'E'},
    {"decode", 'f', 'n'},
    {"degrees", 'f', 'n'},
    {"delay", 'k', 'k'},
    {"delete", 'E', 'E'},
    {"desc", 'k', 'k'},
    {"distinct", 'k', 'k'},
    {"div", 'o', 'o'},
    {"drop", 'E', 'E'},
    {"dual", 'k', 'k'},
    {"dumpfile", 'k', 'k'},
    {"else", 'k', 'k'},
    {"elt", 'f', 'n'},
    {"encode", 'f', 'n'},
    {"end", 'k', 'k'},
    {"escape", 'k', 'k'},
    {"except", 'U', 'U'},
    {"exec", 'E', 'E'},
    {"execute", 'E', 'E'},
    {"exists", 'f', 'k'},
    {"exp", 'f', 'n'},
    {"export_set", 'f', 'n'},
    {"extract", 'f', 'n'},
    {"extractvalue", 'f', 'n'},
    {"false", '1', '1'},
    {"fetch", 'k', 'k'},
    {"field", 'f', 'n'},
    {"file_name", 'f', 'n'},
    {"find_in_set", 'f', 'n'},
    {"float", 't', 't'},
    {"floor", 'f', 'n'},
    {"fn_varbintohexstr", 'f', 'n'},
    {"for", 'k', 'k'},
    {"format", 'f', 'n'},
    {"from", 'k', 'k'},
    {"from_base64", 'f', 'n'},
    {"geometrycollection", 'f', 'n'},
    {"get_lock", 'f', 'n'},
    {"glob", 'o', 'o'},
    {"go", 'k', 'k'},
    {"grant", 'E', 'E'},
    {"greatest", 'f', 'n'},
    {"group", 'n', 'n'},
    {"group_concat", 'f', 'n'},
    {"handler", 'E', 'E'},
    {"has_dbaccess", 'f', 'n'},
    {"hashbytes", 'f', 'n'},
    {"having", 'k', 'k'},
    {"hex", 'f', 'n'},
    {"host_name", 'f', 'n'},
    {"if", 'f', 'n'},
    {"ifnull", 'f', 'n'},
    {"iif", 'f', 'n'},
    {"ilike", 'o', 'o'},
    {"in", 'k', 'k'},
    {"inet_aton", 'f', 'n'},
    {"information_schema", 'k', 'k'},
    {"inner", 'k', 'k'},
    {"insert", 'E', 'E'},
    {"instr", 'f', 'n'},
    {"int", 't', 't'},
    {"integer", 't', 't'},
    {"intersect", 'U', 'U'},
    {"into", 'k', 'k'},
    {"is", 'o', 'o'},
    {"is_member", 'f', 'n'},
    {"is_srvrolemember", 'f', 'n'},
    {"isnull", 'f', 'n'},
    {"join", 'k', 'k'},
    {"json_extract", 'f', 'n'},
    {"json_keys", 'f', 'n'},
    {"kill", 'E', 'E'},
    {"last_insert_id", 'f', 'n'},
    {"lcase", 'f', 'n'},
    {"least", 'f', 'n'},
    {"left", 'f', 'k'},
    {"len", 'f', 'n'},
    {"length", 'f', 'n'},
    {"like", 'o', 'o'},
    {"limit", 'k', 'k'},
    {"linestring", 'f', 'n'},
    {"lo_get", 'f', 'n'},
    {"lo_import", 'f', 'n'},
    {"load", 'E', 'E'},
    {"load_extension", 'f', 'n'},
    {"load_file", 'f', 'n'},
    {"locate", 'f', 'n'},
    {"lock", 'k', 'k'},
    {"lower", 'f', 'n'},
    {"lpad", 'f', 'n'},
    {"ltrim", 'f', 'n'},
    {"make_set", 'f', 'n'},
    {"master_pos_wait", 'f', 'n'},
    {"max", 'f', 'n'},
    {"md5", 'f', 'n'},
    {"merge", 'E', 'E'},
    {"mid", 'f', 'n'},
    {"min", 'f', 'n'},
    {"mod", 'o', 'o'},
    {"multilinestring", 'f', 'n'},
    {"multipoint", 'f', 'n'},
    {"multipolygon", 'f', 'n'},
    {"name_const", 'f', 'n'},
    {"natural", 'k', 'k'},
    {"nchar", 't', 't'},
    {"not", 'o', 'o'},
    {"now", 'f', 'n'},
    {"nowait", 'k', 'k'},
    {"ntext", 't', 't'},
    {"null", '1', '1'},
    {"nullif", 'f', 'n'},
    {"numeric", 't', 't'},
    {"nvarchar", 't', 't'},
    {"nvl", 'f', 'n'},
    {"nvl2", 'f', 'n'},
    {"object_id", 'f', 'n'},
    {"object_name", 'f', 'n'},
    {"oct", 'f', 'n'},
    {"octet_length", 'f', 'n'},
    {"offset", 'k', 'k'},
    {"on", 'k', 'k'},
    {"only", 'k', 'k'},
    {"opendatasource", 'f', 'n'},
    {"openquery", 'f', 'n'},
    {"openrowset", 'f', 'n'},
    {"or", '&', '&'},
    {"ord", 'f', 'n'},
    {"order", 'n', 'n'},
    {"outer", 'k', 'k'},
    {"outfile", 'k', 'k'},
    {"path", 'k', 'k'},
    {"pg_ls_dir", 'f', 'n'},
    {"pg_read_file", 'f', 'n'},
    {"pg_sleep", 'f', 'n'},
    {"pi", 'f', 'n'},
    {"polygon", 'f', 'n'},
    {"position", 'f', 'n'},
    {"pow", 'f', 'n'},
    {"power", 'f', 'n'},
    {"prepare", 'E', 'E'},
    {"procedure", 'k', 'k'},
    {"query_to_xml", 'f', 'n'},
    {"quote", 'f', 'n'},
    {"quotename", 'f', 'n'},
    {"rand", 'f', 'n'},
    {"randomblob", 'f', 'n'},
    {"raw", 'k', 'k'},
    {"rawtohex", 'f', 'n'},
    {"real", 't', 't'},
    {"regexp", 'o', 'o'},
    {"regexp_like", 'f', 'n'},
    {"regexp_substr", 'f', 'n'},
    {"release_lock", 'f', 'n'},
    {"rename", 'E', 'E'},
    {"repeat", 'f', 'n'},
    {"replace", 'f', 'n'},
    {"returning", 'k', 'k'},
    {"reverse", 'f', 'n'},
    {"revoke", 'E', 'E'},
    {"right", 'f', 'k'},
    {"rlike", 'o', 'o'},
    {"rollback", 'k', 'k'},
    {"round", 'f', 'n'},
    {"row_count", 'f', 'n'},
    {"rows", 'k', 'k'},
    {"rpad", 'f', 'n'},
    {"rtrim", 'f', 'n'},
    {"schema", 'f', 'k'},
    {"select", 'E', 'E'},
    {"session_user", 'f', 'n'},
    {"set", 'k', 'k'},
    {"sha", 'f', 'n'},
    {"sha1", 'f', 'n'},
    {"sha2", 'f', 'n'},
    {"show", 'E', 'E'},
    {"shutdown", 'E', 'E'},
    {"sign", 'f', 'n'},
    {"signed", 't', 't'},
    {"similar", 'o', 'o'},
    {"sin", 'f', 'n'},
    {"sleep", 'f', 'n'},
    {"smallint", 't', 't'},
    {"soundex", 'f', 'n'},
    {"sounds", 'o', 'o'},
    {"space", 'f', 'n'},
    {"sqlite_version", 'f', 'n'},
    {"sqrt", 'f', 'n'},
    {"str", 'f', 'n'},
    {"strcmp", 'f', 'n'},
    {"string_agg", 'f', 'n'},
    {"stuff", 'f', 'n'},
    {"substr", 'f', 'n'},
    {"substring", 'f', 'n'},
    {"substring_index", 'f', 'n'},
    {"sum", 'f', 'n'},
    {"suser_name", 'f', 'n'},
    {"sys.fn_sqlvarbasetostr", 'f', 'n'},
    {"sys_context", 'f', 'n'},
    {"syscolumns", 'k', 'k'},
    {"sysobjects", 'k', 'k'},
    {"system_user", 'f', 'n'},
    {"table", 'k', 'k'},
    {"tables", 'k', 'k'},
    {"tan", 'f', 'n'},
    {"text", 't', 't'},
    {"then", 'k', 'k'},
    {"tinyint", 't', 't'},
    {"to_base64", 'f', 'n'},
    {"to_char", 'f', 'n'},
    {"to_number", 'f', 'n'},
    {"top", 'k', 'k'},
    {"trim", 'f', 'n'},
    {"true", '1', '1'},
    {"truncate", 'E', 'E'},
    {"try_cast", 'f', 'n'},
    {"typeof", 'f', 'n'},
    {"ucase", 'f', 'n'},
    {"unhex", 'f', 'n'},
    {"unicode", 'f', 'n'},
    {"union", 'U', 'U'},
    {"unlock", 'k', 'k'},
    {"unsigned", 't', 't'},
    {"update", 'E', 'E'},
    {"updatexml", 'f', 'n'},
    {"upper", 'f', 'n'},
    {"user", 'f', 'n'},
    {"user_name", 'f', 'n'},
    {"using", 'k', 'k'},
    {"utl_http.request", 'f', 'n'},
    {"utl_inaddr.get_host_address", 'f', 'n'},
    {"utl_inaddr.get_host_name", 'f', 'n'},
    {"uuid", 'f', 'n'},
    {"values", 'f', 'k'},
    {"varbinary", 't', 't'},
    {"varchar", 't', 't'},
    {"varchar2", 't', 't'},
    {"version", 'f', 'n'},
    {"waitfor", 'E', 'E'},
    {"when", 'k', 'k'},
    {"where", 'k', 'k'},
    {"with", 'k', 'k'},
    {"xml", 'k', 'k'},
    {"xmltype", 'f', 'n'},
    {"xor", '&', '&'},
    {"xp_cmdshell", 'f', 'n'},
    {"xp_dirtree", 'f', 'n'},
    {"xp_regread", 'f', 'n'},
    {"zeroblob", 'f', 'n'},
};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool is_word_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' ||
         b == '$' || b >= 0x80;
}

bool equals_lower(std::string_view word, std::string_view lower_word) {
  if (word.size() != lower_word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(word[i]) != lower_word[i]) return false;
  }
  return true;
}

bool any_of_lower(std::string_view word, std::initializer_list<std::string_view> candidates) {
  for (std::string_view candidate : candidates) {
    if (equals_lower(word, candidate)) return true;
  }
  return false;
}

}  // namespace

namespace {

// Which lengths the words starting, and ending, with each byte have: most
// words of prose have a (first byte, last byte, length) no SQL word has,
// and need no binary search.
class WordShapes {
 public:
  WordShapes() {
    for (const SqlWord& w : kWords) {
      if (w.word.empty() || w.word.size() > 63) continue;
      const std::uint64_t length = std::uint64_t{1} << w.word.size();
      by_first_[static_cast<unsigned char>(w.word.front())] |= length;
      by_last_[static_cast<unsigned char>(w.word.back())] |= length;
    }
  }
  bool may_hold(std::string_view word) const {
    if (word.empty() || word.size() > 63) return true;
    return (by_first_[static_cast<unsigned char>(word.front())] &
            by_last_[static_cast<unsigned char>(word.back())]) >>
               word.size() &
           1;
  }

 private:
  std::array<std::uint64_t, 256> by_first_{}, by_last_{};
};

}  // namespace

const SqlWord* find_sql_word(std::string_view lower_word) {
  static const WordShapes shapes;
  if (!shapes.may_hold(lower_word)) return nullptr;
  const auto* end = std::end(kWords);
  const auto* it =
      std::lower_bound(std::begin(kWords), end, lower_word,
                       [](const SqlWord& w, std::string_view key) { return w.word < key; });
  return it != end && it->word == lower_word ? it : nullptr;
}

std::span<const SqlWord> sql_words() { return kWords; }

// A word, a qualified name (information_schema.tables) or a prefixed string
// (N'…', X'…'). Keywords made of two words (union all, group by, not like,
// is not) become one token.
void SqlLexer::lex_word(SqlToken& token) {
  const std::size_t start = pos_;
  if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'' &&
      std::string_view("nNxXbBeE").find(text_[pos_]) != std::string_view::npos) {
    lex_string(token, pos_ + 2, '\'');
    return;
  }
  while (pos_ < text_.size() &&
         (is_word_byte(text_[pos_]) ||
          (text_[pos_] == '.' && pos_ + 1 < text_.size() && is_word_byte(text_[pos_ + 1])))) {
    ++pos_;
  }
  token.type = sql::kBareword;
  const std::string_view word = text_.substr(start, pos_ - start);
  std::array<char, 40> buffer;
  if (word.size() > buffer.size()) return;
  for (std::size_t i = 0; i < word.size(); ++i) buffer[i] = lower(word[i]);
  const SqlWord* known = find_sql_word({buffer.data(), word.size()});
  if (known == nullptr) return;
  const std::size_t after = skip_blank(pos_);
  token.type = after < text_.size() && text_[after] == '(' ? known->called : known->plain;
  if (token.type == sql::kOperator) {
    token.op = 'w';
    token.arithmetic = known->word == "div" || known->word == "mod";
  }
  const std::string_view next = peek_word(pos_);
  const auto take_next = [&](char type) {
    pos_ = static_cast<std::size_t>(next.data() - text_.data()) + next.size();
    token.type = type;
  };
  const std::string_view lower_word = known->word;
  if (lower_word == "union" && any_of_lower(next, {"all", "distinct"})) {
    take_next(sql::kUnion);
  } else if ((lower_word == "group" || lower_word == "order") && equals_lower(next, "by")) {
    take_next(sql::kGroup);
  } else if (lower_word == "not" &&
             any_of_lower(next, {"like", "in", "between", "regexp", "rlike", "ilike", "similar"})) {
    take_next(sql::kOperator);
  } else if ((lower_word == "is" && equals_lower(next, "not")) ||
             (lower_word == "sounds" && equals_lower(next, "like"))) {
    take_next(sql::kOperator);
  }
}

}  // namespace centinela::detect
