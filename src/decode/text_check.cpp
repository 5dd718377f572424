// What "decodes to text" means. Strict for blobs (random bytes of an id or a
// number must not pass), looser for escapes (a decoded %00 or %0a is part of
// an attack, not noise).
#include "decode/layers.h"

namespace centinela::decode::layer {
namespace {

constexpr std::size_t kMinBlobBytes = 6;
constexpr std::size_t kShortBlobBytes = 16;  // shorter blobs must be ASCII

// The length of the well-formed UTF-8 sequence at s[i] (shortest form, no
// surrogates, at most U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const auto at = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  const auto cont = [&](std::size_t k) { return (at(k) & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return at(1) >= lo && at(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return at(1) >= lo && at(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

}  // namespace

bool looks_like_text(std::string_view s, TextRule rule) {
  if (s.empty()) return false;
  if (rule == TextRule::blob && s.size() < kMinBlobBytes) return false;
  std::size_t controls = 0;
  std::size_t alnum = 0;
  bool ascii = true;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = utf8_length(s, i);
    if (length == 0) return false;
    const auto c = static_cast<unsigned char>(s[i]);
    if (length == 1) {
      controls += is_control(c) ? 1 : 0;
      alnum += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ? 1 : 0;
    } else {
      ascii = false;
    }
    i += length;
  }
  if (rule == TextRule::escaped) return controls * 4 <= s.size();
  if (controls != 0 || alnum == 0) return false;
  return ascii || s.size() >= kShortBlobBytes;
}

}  // namespace centinela::decode::layer
