#include "waf/json_body.h"

#include <array>
#include <charconv>
#include <string>
#include <vector>

namespace centinela::waf {
namespace {

struct Container {
  bool array = false;
  std::size_t counter = 0;  // elements seen, in an array
  // Walker::prefix_: where this container's part starts, and where an
  // array's element number starts within it.
  std::size_t start = 0, digits = 0;
};

enum class Expect { value, value_or_end, key, key_or_end, colon, comma_or_end, nothing };

enum class Lexed { ok, cut, error };

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// yajl's Utf32toUtf8: anything above 0x1FFFFF becomes '?'.
void append_utf8(std::string& out, unsigned codepoint) {
  if (codepoint < 0x80) {
    out.push_back(static_cast<char>(codepoint));
  } else if (codepoint < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (codepoint >> 6)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else if (codepoint < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (codepoint >> 12)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else if (codepoint < 0x200000) {
    out.push_back(static_cast<char>(0xF0 | (codepoint >> 18)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
  } else {
    out.push_back('?');
  }
}

// Continuation bytes a UTF-8 lead byte needs, as yajl's lexer checks them
// (structure only); -1 for a byte that cannot start a character.
int continuation_bytes(unsigned char c) {
  if (c < 0x80) return 0;
  if ((c >> 5) == 0x6) return 1;
  if ((c >> 4) == 0xE) return 2;
  if ((c >> 3) == 0x1E) return 3;
  return -1;
}

// A byte a string holds as it is: printable ASCII but the quote and the
// backslash. A table: one look-up a byte in the strings' loop.
constexpr std::array<bool, 256> kPlainAscii = [] {
  std::array<bool, 256> plain{};
  for (unsigned c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();
bool is_plain_ascii(unsigned char c) { return kPlainAscii[c]; }

class Walker {
 public:
  Walker(std::string_view body, bool complete, const JsonLimits& limits, BodySink& sink)
      : in_(body), complete_(complete), limits_(limits), sink_(sink) {}

  JsonWalk run() {
    Expect expect = Expect::value;
    while (!stopped_) {
      skip_whitespace();
      if (pos_ == in_.size()) {
        if (expect != Expect::nothing && complete_ && !in_.empty()) fail("premature end of input");
        break;
      }
      expect = step(expect, in_[pos_]);
    }
    return result_;
  }

 private:
  Expect step(Expect expect, char c) {
    switch (expect) {
      case Expect::value:
      case Expect::value_or_end:
        if (c == ']' && expect == Expect::value_or_end) return close();
        return value(c);
      case Expect::key:
      case Expect::key_or_end:
        if (c == '}' && expect == Expect::key_or_end) return close();
        if (c != '"') return fail("object key must be a string");
        return key();
      case Expect::colon:
        if (c != ':') return fail("expected ':' after an object key");
        ++pos_;
        return Expect::value;
      case Expect::comma_or_end:
        if (c == ',') {
          ++pos_;
          return stack_.back().array ? Expect::value : Expect::key;
        }
        if (c == (stack_.back().array ? ']' : '}')) return close();
        return fail(stack_.back().array ? "expected ',' or ']' after an array element"
                                        : "expected ',' or '}' after an object member");
      case Expect::nothing:
        return fail("trailing garbage after the JSON value");
    }
    return fail("unreachable");
  }

  Expect value(char c) {
    if (c == '{' || c == '[') {
      ++pos_;
      open(c == '[');
      return c == '[' ? Expect::value_or_end : Expect::key_or_end;
    }
    std::string_view text;
    Lexed lexed = Lexed::error;
    if (c == '"') {
      lexed = lex_string(text);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      lexed = lex_number(text);
    } else if (c == 't' || c == 'f' || c == 'n') {
      lexed = lex_literal(text);
    } else {
      return fail("invalid character where a value should be");
    }
    if (lexed == Lexed::error) return Expect::nothing;
    if (lexed == Lexed::cut && text.data() == nullptr) return stop();  // a literal cut short
    add_value(text);
    if (lexed == Lexed::cut) return stop();
    return after_value();
  }

  Expect key() {
    std::string_view text;
    const Lexed lexed = lex_string(text);
    if (lexed != Lexed::ok) return lexed == Lexed::cut ? stop() : Expect::nothing;
    current_key_.assign(text);
    return Expect::colon;
  }

  Expect after_value() { return stack_.empty() ? Expect::nothing : Expect::comma_or_end; }

  // libmodsecurity's getCurrentKey(): the key is used once.
  std::string take_key() {
    if (stack_.empty()) return "json";
    if (current_key_.empty()) return stack_.back().array ? "" : "empty-key";
    std::string key = std::move(current_key_);
    current_key_.clear();
    return key;
  }

  // prefix_ holds every open container's part of a name (its key, then
  // ".array_N" or '.'), kept as containers open and close and elements go
  // by, so a value's name is the prefix and its key: no walk of the stack
  // and no number printed per value.
  void open(bool array) {
    Container c{array, 0, prefix_.size(), 0};
    prefix_ += take_key();
    if (array) {
      prefix_ += ".array_";
      c.digits = prefix_.size();
      prefix_ += '0';
    } else {
      prefix_ += '.';
    }
    stack_.push_back(c);
    if (stack_.size() > limits_.max_depth) fail("nesting deeper than the limit");
  }

  // The array on top of the stack goes to its next element.
  void next_element() {
    Container& c = stack_.back();
    ++c.counter;
    prefix_.resize(c.digits);
    std::array<char, 24> digits{};
    char* end = std::to_chars(digits.data(), digits.data() + digits.size(), c.counter).ptr;
    prefix_.append(digits.data(), static_cast<std::size_t>(end - digits.data()));
  }

  Expect close() {
    ++pos_;
    prefix_.resize(stack_.back().start);
    stack_.pop_back();
    if (!stack_.empty() && stack_.back().array) next_element();
    return after_value();
  }

  void add_value(std::string_view value) {
    // A count bound is an inspection bound, as inspect_body_bytes is: a bulk
    // upload of many small values is everyday API traffic, and padding a body
    // past either bound evades the same way. The rest is left uninspected.
    if (++result_.values > limits_.max_values) {
      --result_.values;
      result_.cut = true;
      stop();
      return;
    }
    name_.assign(prefix_);
    if (!stack_.empty() && stack_.back().array) {
      next_element();
    } else {
      name_ += take_key();
    }
    name_bytes_ += name_.size();
    if (name_bytes_ > limits_.max_name_bytes) {
      fail("argument names longer than the limit");
      return;
    }
    if (!sink_.argument(name_, value, ArgumentOrigin::json)) {
      result_.cut = true;
      stop();
    }
  }

  Lexed lex_string(std::string_view& out);
  Lexed lex_escape(std::string& decoded);
  Lexed lex_number(std::string_view& out);
  Lexed lex_literal(std::string_view& out);

  void skip_whitespace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  Expect fail(std::string_view message) {
    if (!stopped_) {
      result_.error = true;
      result_.message = message;
    }
    stopped_ = true;
    return Expect::nothing;
  }
  Expect stop() {
    stopped_ = true;
    return Expect::nothing;
  }
  // The end of the input inside a token: the body's end if complete.
  Lexed ended() {
    if (complete_) {
      fail("premature end of input");
      return Lexed::error;
    }
    return Lexed::cut;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool complete_;
  const JsonLimits& limits_;
  BodySink& sink_;
  std::vector<Container> stack_;
  std::string current_key_;
  std::string decoded_;
  std::string name_;
  std::string prefix_;  // the open containers' parts of a name (open())
  std::size_t name_bytes_ = 0;
  bool stopped_ = false;
  JsonWalk result_;
};

Lexed Walker::lex_string(std::string_view& out) {
  const std::size_t start = ++pos_;
  bool escaped = false;
  decoded_.clear();
  for (;;) {
    // A run of printable ASCII, the common case, is taken whole (appended at
    // once after an escape); the byte that ends it is read below.
    const std::size_t run = pos_;
    while (pos_ < in_.size() && is_plain_ascii(static_cast<unsigned char>(in_[pos_]))) ++pos_;
    if (escaped) decoded_.append(in_.substr(run, pos_ - run));
    if (pos_ >= in_.size()) {
      const Lexed end = ended();
      out = escaped ? std::string_view(decoded_) : in_.substr(start, pos_ - start);
      if (out.data() == nullptr) out = std::string_view("", 0);
      return end;
    }
    const auto c = static_cast<unsigned char>(in_[pos_]);
    if (c == '"') {
      out = escaped ? std::string_view(decoded_) : in_.substr(start, pos_ - start);
      ++pos_;
      return Lexed::ok;
    }
    if (c < 0x20) {
      fail("invalid character inside a string");
      return Lexed::error;
    }
    if (c == '\\') {
      if (!escaped) decoded_.assign(in_.substr(start, pos_ - start));
      escaped = true;
      const Lexed lexed = lex_escape(decoded_);
      if (lexed == Lexed::ok) continue;
      if (lexed == Lexed::cut) out = decoded_;
      return lexed;
    }
    const int more = continuation_bytes(c);
    bool valid = more >= 0;
    for (int i = 1; valid && i <= more; ++i) {
      if (pos_ + i >= in_.size()) break;  // cut inside a character: checked at the end
      valid = (static_cast<unsigned char>(in_[pos_ + i]) & 0xC0) == 0x80;
    }
    if (!valid) {
      fail("invalid bytes in a UTF-8 string");
      return Lexed::error;
    }
    const std::size_t length =
        std::min<std::size_t>(1 + static_cast<std::size_t>(more), in_.size() - pos_);
    if (escaped) decoded_.append(in_.substr(pos_, length));
    pos_ += length;
  }
}

// At a backslash; appends what it stands for, as yajl decodes it.
Lexed Walker::lex_escape(std::string& decoded) {
  if (pos_ + 1 >= in_.size()) return ended();
  const char c = in_[pos_ + 1];
  static constexpr std::string_view kFrom = "\"\\/bfnrt";
  static constexpr std::string_view kTo = "\"\\/\b\f\n\r\t";
  if (const std::size_t simple = kFrom.find(c); simple != std::string_view::npos) {
    decoded.push_back(kTo[simple]);
    pos_ += 2;
    return Lexed::ok;
  }
  if (c != 'u') {
    fail("invalid escape inside a string");
    return Lexed::error;
  }
  auto read_hex = [&](std::size_t at, unsigned& value) {
    value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      if (at + i >= in_.size()) return ended();
      const int digit = hex_value(in_[at + i]);
      if (digit < 0) {
        fail("invalid hex digit after \\u inside a string");
        return Lexed::error;
      }
      value = value * 16 + static_cast<unsigned>(digit);
    }
    return Lexed::ok;
  };
  unsigned codepoint = 0;
  if (Lexed lexed = read_hex(pos_ + 2, codepoint); lexed != Lexed::ok) return lexed;
  pos_ += 6;
  if ((codepoint & 0xFC00) == 0xD800) {
    // yajl: a high surrogate pairs with whatever \u follows; without one it
    // becomes '?'.
    if (pos_ + 1 < in_.size() && in_[pos_] == '\\' && in_[pos_ + 1] == 'u') {
      unsigned low = 0;
      if (Lexed lexed = read_hex(pos_ + 2, low); lexed != Lexed::ok) return lexed;
      codepoint =
          ((codepoint & 0x3F) << 10) | ((((codepoint >> 6) & 0xF) + 1) << 16) | (low & 0x3FF);
      pos_ += 6;
    } else {
      decoded.push_back('?');
      return Lexed::ok;
    }
  }
  append_utf8(decoded, codepoint);
  return Lexed::ok;
}

Lexed Walker::lex_number(std::string_view& out) {
  const std::size_t start = pos_;
  auto digits = [&] {
    const std::size_t first = pos_;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
    return pos_ - first;
  };
  auto at_end = [&] { return pos_ >= in_.size(); };
  auto malformed = [&](std::string_view message) {
    if (at_end() && !complete_) {
      out = in_.substr(start);
      return Lexed::cut;
    }
    fail(message);
    return Lexed::error;
  };
  if (in_[pos_] == '-') ++pos_;
  if (at_end()) return malformed("a digit is required after the minus sign");
  if (in_[pos_] == '0') {
    ++pos_;
  } else if (digits() == 0) {
    return malformed("a digit is required after the minus sign");
  }
  if (!at_end() && in_[pos_] == '.') {
    ++pos_;
    if (digits() == 0) return malformed("a digit is required after the decimal point");
  }
  if (!at_end() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
    ++pos_;
    if (!at_end() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
    if (digits() == 0) return malformed("a digit is required in the exponent");
  }
  out = in_.substr(start, pos_ - start);
  // A number running into the end of a cut body may go on.
  return at_end() && !complete_ ? Lexed::cut : Lexed::ok;
}

Lexed Walker::lex_literal(std::string_view& out) {
  static constexpr std::string_view kLiterals[] = {"true", "false", "null"};
  for (std::string_view literal : kLiterals) {
    if (literal[0] != in_[pos_]) continue;
    const std::string_view rest = in_.substr(pos_, literal.size());
    if (rest != literal.substr(0, rest.size())) break;
    if (rest.size() < literal.size()) {
      out = {};
      return ended();
    }
    pos_ += literal.size();
    out = literal == "null" ? std::string_view("", 0) : literal;
    return Lexed::ok;
  }
  fail("invalid literal");
  return Lexed::error;
}

}  // namespace

JsonWalk walk_json(std::string_view body, bool complete, const JsonLimits& limits, BodySink& sink) {
  return Walker(body, complete, limits, sink).run();
}

}  // namespace centinela::waf
