// The blob layers: a whole value (or the data of a data: URL or a Basic
// credential) in base64 or base64url, in hex, or a JWT. Only what decodes to
// text counts; the strict rules (length, alphabet, printable UTF-8) keep ids,
// numbers and words that happen to be valid base64 out.
#include <array>

#include "decode/layers.h"
#include "decode/transforms.h"

namespace centinela::decode::layer {
namespace {

constexpr std::size_t kMinBase64Bytes = 8;   // "<script>", "' OR 1=1"
constexpr std::size_t kMinBase64Chars = 11;  // 8 bytes without padding
constexpr std::size_t kMinHexDigits = 16;    // 8 bytes

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if ((s[i] | 0x20) != prefix[i]) return false;  // prefix: lower case, letters and ' '
  }
  return true;
}

// 0..63 in either alphabet (url: '-' and '_'), or -1.
int base64_digit(char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

// The bytes of either alphabet and the line breaks: a token holding any
// other byte decodes in neither.
constexpr auto kBase64Bytes = [] {
  std::array<bool, 256> in{};
  for (unsigned c = 0; c < 256; ++c) {
    in[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '+' || c == '/' || c == '-' || c == '_' || c == '\r' || c == '\n';
  }
  return in;
}();

// Decodes `token` (line breaks allowed, '=' only at the end); false when it
// is not base64 of a sane shape in one alphabet.
bool decode_base64(std::string_view token, std::string& out, std::size_t min_chars) {
  std::size_t padding = 0;
  while (!token.empty() && token.back() == '=' && padding < 2) {
    token.remove_suffix(1);
    ++padding;
  }
  out.clear();
  // Prose and most field values fail at their first blank: no alphabet
  // search over the whole value first.
  for (const char c : token) {
    if (!kBase64Bytes[static_cast<unsigned char>(c)]) return false;
  }
  const bool url = token.find_first_of("-_") != std::string_view::npos;
  std::size_t count = 0;
  bool all_digits = true;
  std::uint32_t bits = 0;
  for (char c : token) {
    if (c == '\r' || c == '\n') continue;
    const int digit = base64_digit(c, url);
    if (digit < 0) return false;
    all_digits = all_digits && c >= '0' && c <= '9';
    bits = (bits << 6) | static_cast<std::uint32_t>(digit);
    if (++count % 4 == 0) {
      out.push_back(static_cast<char>(bits >> 16));
      out.push_back(static_cast<char>(bits >> 8));
      out.push_back(static_cast<char>(bits));
    }
  }
  const std::size_t rest = count % 4;
  if (rest == 1 || (padding != 0 && rest + padding != 4)) return false;
  if (count + padding < min_chars || all_digits) return false;
  if (rest >= 2) out.push_back(static_cast<char>(bits >> (rest == 2 ? 4 : 10)));
  if (rest == 3) out.push_back(static_cast<char>(bits >> 2));
  return true;
}

// The base64 a value carries: the whole value, a data: URL's data or a Basic
// credential.
std::string_view base64_token(std::string_view value) {
  value = trim(value);
  if (starts_with_ignoring_case(value, "data:")) {
    const std::size_t comma = value.find(";base64,");
    return comma == std::string_view::npos ? std::string_view() : value.substr(comma + 8);
  }
  if (starts_with_ignoring_case(value, "basic ")) return trim(value.substr(6));
  return value;
}

// Appends the string values of a JSON text (keys and other values left out),
// each on its own line, their escapes as they are; false when it holds none.
bool append_json_strings(std::string_view json, std::string& out) {
  bool any = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '"') continue;
    std::size_t end = i + 1;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
    if (end >= json.size()) break;
    std::size_t after = end + 1;
    while (after < json.size() && is_space(json[after])) ++after;
    if (after >= json.size() || json[after] != ':') {
      if (any) out.push_back('\n');
      out.append(json.substr(i + 1, end - i - 1));
      any = true;
    }
    i = end;
  }
  return any;
}

}  // namespace

DecoderSet base64(std::string_view in, std::string& out) {
  const std::string_view token = base64_token(in);
  if (token.size() < kMinBase64Chars) return 0;
  if (!decode_base64(token, out, kMinBase64Chars) || out.size() < kMinBase64Bytes) return 0;
  return looks_like_text(out, TextRule::blob) ? bit(Decoder::base64) : 0;
}

DecoderSet hex(std::string_view in, std::string& out) {
  std::string_view token = trim(in);
  if (token.size() > 2 && token[0] == '0' && (token[1] | 0x20) == 'x') token.remove_prefix(2);
  if (token.size() < kMinHexDigits || token.size() % 2 != 0) return 0;
  bool letter = false;
  for (char c : token) {
    if (!tfn::is_hex(c)) return 0;
    letter = letter || c > '9';
  }
  if (!letter) return 0;  // decimal digits only: a number
  out.clear();
  for (std::size_t i = 0; i < token.size(); i += 2) out.push_back(tfn::hex_byte(&token[i]));
  return looks_like_text(out, TextRule::blob) ? bit(Decoder::hex) : 0;
}

// header.payload.signature, each part base64url; the header a JSON object
// ("eyJ" is the base64 of '{"'). The view: the string values of header and
// payload, one per line (the payload as it is when it holds none).
DecoderSet jwt(std::string_view in, std::string& out) {
  std::string_view token = trim(in);
  if (starts_with_ignoring_case(token, "bearer ")) token = trim(token.substr(7));
  if (token.substr(0, 3) != "eyJ") return 0;
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return 0;
  if (token.find('.', second + 1) != std::string_view::npos) return 0;
  std::string part;
  out.clear();
  for (std::string_view piece :
       {token.substr(0, first), token.substr(first + 1, second - first - 1)}) {
    if (!decode_base64(piece, part, 4) || !looks_like_text(part, TextRule::blob)) return 0;
    if (!out.empty()) out.push_back('\n');
    if (!append_json_strings(part, out)) out.append(part);
  }
  return bit(Decoder::jwt) | bit(Decoder::base64);
}

}  // namespace centinela::decode::layer
