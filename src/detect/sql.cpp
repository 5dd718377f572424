#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <iterator>
#include <optional>

#include "detect/byte_gate.h"
#include "detect/detect.h"
#include "detect/sql_fingerprint.h"
#include "detect/sql_lexer.h"

namespace centinela::detect {
namespace {

bool is_operand(char type) {
  return type == sql::kNumber || type == sql::kBareword || type == sql::kVariable;
}

// Folds tokens as they come into at most kSqlFingerprintTokens + 1; every
// rule changes only the last token or two, so the first ones are final
// once there is one more.
class Folder {
 public:
  void push(const SqlToken& token) {
    if (token.type == sql::kComment || token.type == sql::kCommentText ||
        token.type == sql::kHashComment) {
      // Inside a query a comment is a blank (union/**/select); only one
      // that ends the value, cutting off the rest of the query, counts.
      trailing_comment_ = token;
      has_trailing_comment_ = true;
      return;
    }
    has_trailing_comment_ = false;
    if (size_ > 0 && tokens_[size_ - 1].type == sql::kString && token.type == sql::kString) {
      tokens_[size_ - 1].end = token.end;  // 'a' 'b' is one string
      return;
    }
    if (is_operand(token.type) && size_ > 0 && is_unary(size_ - 1)) {
      tokens_[size_ - 1].type = token.type;  // -1, !x: still one operand
      tokens_[size_ - 1].end = token.end;
      tokens_[size_ - 1].arithmetic = false;
      return;
    }
    if (is_operand(token.type) && size_ >= 2 && tokens_[size_ - 1].arithmetic &&
        is_operand(tokens_[size_ - 2].type)) {
      --size_;  // 1+1, a*b: one operand
      tokens_[size_ - 1].end = token.end;
      return;
    }
    tokens_[size_++] = token;
  }

  bool full() const { return size_ > kSqlFingerprintTokens; }

  SqlFingerprint finish() {
    if (has_trailing_comment_ && !full()) tokens_[size_++] = trailing_comment_;
    SqlFingerprint fingerprint;
    const std::size_t size = size_ < kSqlFingerprintTokens ? size_ : kSqlFingerprintTokens;
    for (std::size_t i = 0; i < size; ++i) fingerprint.types[i] = tokens_[i].type;
    fingerprint.size = static_cast<std::uint8_t>(size);
    if (size > 0) {
      fingerprint.begin = tokens_[0].begin;
      fingerprint.end = tokens_[size - 1].end;
    }
    return fingerprint;
  }

 private:
  // A sign or negation at the start or after anything but an operand.
  bool is_unary(std::size_t i) const {
    const SqlToken& t = tokens_[i];
    if (t.type != sql::kOperator || (t.op != '-' && t.op != '+' && t.op != '!' && t.op != '~')) {
      return false;
    }
    return i == 0 || (!is_operand(tokens_[i - 1].type) && tokens_[i - 1].type != sql::kString &&
                      tokens_[i - 1].type != ')');
  }

  std::array<SqlToken, kSqlFingerprintTokens + 2> tokens_{};
  std::size_t size_ = 0;
  SqlToken trailing_comment_{};
  bool has_trailing_comment_ = false;
};

constexpr std::string_view kEndings[] = {"s#", "1c", "sos"};

// A login name closed by the quote and the rest of the query cut off by a
// MySQL '#' (`admin' #`, `'#`): the learned set leaves "s#" out because a
// product title ends that way (`SOAP 1 '#`), but a title has words before
// its quote and a name has none.
bool closes_single_word(std::string_view value, const SqlFingerprint& fingerprint, char quote) {
  if (fingerprint.view() != "s#") return false;
  const std::string_view word = value.substr(0, value.find(quote));
  return std::none_of(word.begin(), word.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#';
  });
}

// MySQL functions the lexer's table leaves out (it reads them as names, so
// the learned shapes stay as learned), from the list of CRS 942150: a value
// that is one of them opened and left open (`date(`, `Uncompress (`) is a
// call cut off, as "COS(" is for the table's own functions.
// clang-format off
constexpr std::string_view kMoreFunctions[] = {
    "adddate", "addtime", "asciistr", "bin_to_num", "bit_and", "bit_count", "bit_or", "bit_xor",
    "charset", "coercibility", "convert_tz", "current_date", "current_time", "current_timestamp",
    "date", "date_add", "date_format", "date_sub", "datediff", "day", "dayname", "dayofmonth",
    "dayofweek", "dayofyear", "default", "des_decrypt", "des_encrypt", "dump", "encrypt",
    "found_rows", "from_days", "from_unixtime", "get_format", "hextoraw", "hour", "inet6_aton",
    "inet6_ntoa", "inet_ntoa", "interval", "is_free_lock", "is_ipv4", "is_ipv4_compat",
    "is_ipv4_mapped", "is_ipv6", "is_used_lock", "last", "last_day", "ln", "local",
    "localtimestamp", "log", "log10", "log2", "makedate", "microsecond", "minute", "month",
    "monthname", "old_password", "password", "period_add", "period_diff", "procedure_analyse",
    "quarter", "radians", "sec_to_time", "second", "std", "stddev_pop", "stddev_samp",
    "str_to_date", "subdate", "subtime", "sysdate", "time", "time_format", "time_to_sec",
    "timediff", "timestamp", "timestampadd", "timestampdiff", "uncompress", "uncompressed_length",
    "unix_timestamp", "utc_date", "utc_time", "utc_timestamp", "uuid_short", "var_pop",
    "var_samp", "variance", "week", "weekday", "weekofyear", "weight_string", "year", "yearweek",
};
// clang-format on
static_assert(std::is_sorted(std::begin(kMoreFunctions), std::end(kMoreFunctions)));

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool function_left_open(std::string_view value) {
  std::size_t at = 0;
  while (at < value.size() && is_blank(value[at])) ++at;
  std::array<char, 24> name{};
  std::size_t n = 0;
  for (; at < value.size() &&
         (std::isalnum(static_cast<unsigned char>(value[at])) != 0 || value[at] == '_');
       ++at) {
    if (n == name.size()) return false;
    name[n++] = static_cast<char>(std::tolower(static_cast<unsigned char>(value[at])));
  }
  while (at < value.size() && is_blank(value[at])) ++at;
  if (n == 0 || at >= value.size() || value[at] != '(') return false;
  for (++at; at < value.size(); ++at) {
    if (!is_blank(value[at])) return false;
  }
  return std::binary_search(std::begin(kMoreFunctions), std::end(kMoreFunctions),
                            std::string_view(name.data(), n));
}

// A number alone, cut off by a bare comment (`1--`, `1 /*`, `1*1--`,
// `((1)) -- -`): how an injection into a numeric parameter ends. The learned
// set leaves "1c" out because ids and tokens fold to it (`1611-IioX…--`),
// but those hold letters; a comment with words is a note, not a cut.
bool number_cut_by_comment(std::string_view value) {
  bool digit = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char next = i + 1 < value.size() ? value[i + 1] : 0;
    if ((c == '-' && next == '-') || (c == '/' && next == '*')) {
      return digit &&
             std::none_of(value.begin() + static_cast<std::ptrdiff_t>(i), value.end(),
                          [](char r) { return std::isalnum(static_cast<unsigned char>(r)); });
    }
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (std::string_view(" \t()*+-/.").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return false;
}

// An operator alone between two quotes ('-', "^", '&', '||'): the whole
// of an authentication bypass through MySQL's implicit conversion
// (name='' - '' compares 0 with 0). Read as the rest of a string it is
// "sos", a shape prose has (`it's 5 - that's it`), so only a value that is
// nothing but the operator counts; "-1", 'a', "N/A" hold more. Not '*': a
// search for "*" is in libinjection's list of false positives.
bool quoted_operator(std::string_view value) {
  while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
  if (value.size() < 3 || (value.front() != '\'' && value.front() != '"') ||
      value.back() != value.front()) {
    return false;
  }
  std::string_view inner = value.substr(1, value.size() - 2);
  while (!inner.empty() && is_blank(inner.front())) inner.remove_prefix(1);
  while (!inner.empty() && is_blank(inner.back())) inner.remove_suffix(1);
  return !inner.empty() && inner.size() <= 3 &&
         inner.find_first_not_of("&^-|/%+<>=!~") == std::string_view::npos;
}

}  // namespace

std::span<const std::string_view> sql_ending_fingerprints() { return kEndings; }

std::optional<std::string_view> known_sql_fingerprint(std::string_view fingerprint) {
  const auto set = sql_fingerprint_set();
  const auto it = std::lower_bound(set.begin(), set.end(), fingerprint);
  if (it == set.end() || *it != fingerprint) return std::nullopt;
  return *it;
}

SqlFingerprint sql_fingerprint(std::string_view value, SqlContext context) {
  const char quote = context == SqlContext::single_quote   ? '\''
                     : context == SqlContext::double_quote ? '"'
                                                           : 0;
  SqlLexer lexer(value, quote);
  Folder folder;
  SqlToken token;
  while (!folder.full() && lexer.next(token)) folder.push(token);
  return folder.finish();
}

std::optional<Detection> detect_sql(std::string_view value) {
  if (value.size() > UINT32_MAX || !kSqlGate.any_in(value)) return std::nullopt;
  if (number_cut_by_comment(value)) {
    return Detection{Kind::sql, kEndings[1], 0, static_cast<std::uint32_t>(value.size())};
  }
  if (quoted_operator(value)) {
    return Detection{Kind::sql, kEndings[2], 0, static_cast<std::uint32_t>(value.size())};
  }
  if (function_left_open(value)) {
    return Detection{Kind::sql, "f(", 0, static_cast<std::uint32_t>(value.size())};
  }
  for (const SqlContext context :
       {SqlContext::as_is, SqlContext::single_quote, SqlContext::double_quote}) {
    // Read as the rest of a string, a value without that quote is all
    // string: nothing to learn from it.
    if (context == SqlContext::single_quote && value.find('\'') == std::string_view::npos) continue;
    if (context == SqlContext::double_quote && value.find('"') == std::string_view::npos) continue;
    const SqlFingerprint fingerprint = sql_fingerprint(value, context);
    if (const auto known = known_sql_fingerprint(fingerprint.view())) {
      return Detection{Kind::sql, *known, fingerprint.begin, fingerprint.end};
    }
    const char quote = context == SqlContext::single_quote ? '\'' : '"';
    if (context != SqlContext::as_is && closes_single_word(value, fingerprint, quote)) {
      return Detection{Kind::sql, kEndings[0], fingerprint.begin, fingerprint.end};
    }
  }
  return std::nullopt;
}

}  // namespace centinela::detect
