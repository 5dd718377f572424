#include "http/server_timing.h"

#include <charconv>
#include <cmath>

#include "http/chars.h"

namespace centinela::http {
namespace {

constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool equals_ignoring_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

// One pass over the field value; every step moves forward.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool done() const { return at_ >= text_.size(); }
  char peek() const { return text_[at_]; }
  void advance() { ++at_; }

  void skip_ows() {
    while (!done() && is_ows(peek())) ++at_;
  }

  std::string_view token() {
    const std::size_t start = at_;
    while (!done() && is_tchar(peek())) ++at_;
    return text_.substr(start, at_ - start);
  }

  // A token or a quoted-string (its content, escapes left in); nullopt when
  // neither, or a quote that never closes.
  std::optional<std::string_view> value() {
    if (done() || peek() != '"') {
      const std::string_view t = token();
      return t.empty() ? std::nullopt : std::optional(t);
    }
    const std::size_t start = ++at_;
    while (!done() && peek() != '"') {
      if (peek() == '\\') ++at_;  // quoted-pair: the next byte is content
      ++at_;
    }
    if (done()) return std::nullopt;
    const std::string_view content = text_.substr(start, at_ - start);
    ++at_;  // the closing quote
    return content;
  }

  // To the comma that ends this metric (quoted strings may hold commas).
  void skip_metric() {
    while (!done() && peek() != ',') {
      if (peek() == '"') {
        value();
      } else {
        ++at_;
      }
    }
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

std::optional<double> duration_ms(std::string_view text) {
  // dur = 1*DIGIT [ "." 1*DIGIT ]: no sign, exponent, inf or nan.
  std::size_t dots = 0;
  for (const char c : text) {
    if (c == '.') {
      ++dots;
    } else if (!is_digit(c)) {
      return std::nullopt;
    }
  }
  if (text.empty() || dots > 1 || text.front() == '.' || text.back() == '.') return std::nullopt;
  double ms = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(ms) || ms > kMaxServerTimingMs) return std::nullopt;
  return ms;
}

}  // namespace

std::size_t parse_server_timing(std::string_view value, std::span<ServerTimingMetric> out) {
  Reader in(value);
  std::size_t count = 0;
  while (!in.done() && count < out.size()) {
    in.skip_ows();
    if (in.done()) break;
    if (in.peek() == ',') {
      in.advance();
      continue;
    }
    ServerTimingMetric metric;
    metric.name = in.token();
    bool broken = metric.name.empty() || metric.name.size() > kMaxServerTimingName;
    bool seen_dur = false, seen_desc = false;
    while (!broken) {
      in.skip_ows();
      if (in.done() || in.peek() == ',') break;
      if (in.peek() != ';') {
        broken = true;
        break;
      }
      in.advance();
      in.skip_ows();
      const std::string_view param = in.token();
      if (param.empty()) {
        broken = true;
        break;
      }
      in.skip_ows();
      std::optional<std::string_view> param_value;
      if (!in.done() && in.peek() == '=') {
        in.advance();
        in.skip_ows();
        param_value = in.value();
        if (!param_value) {
          broken = true;
          break;
        }
      }
      if (equals_ignoring_case(param, "dur") && !seen_dur) {
        seen_dur = true;
        if (param_value) metric.dur_ms = duration_ms(*param_value);
      } else if (equals_ignoring_case(param, "desc") && !seen_desc) {
        seen_desc = true;
        if (param_value) {
          metric.description = param_value->substr(0, kMaxServerTimingDescription);
        }
      }
    }
    if (broken) {
      in.skip_metric();
      continue;
    }
    out[count++] = metric;
  }
  return count;
}

}  // namespace centinela::http
