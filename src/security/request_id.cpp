#include "security/request_id.h"

#include "security/fast_random.h"

namespace centinela::security {
namespace {

constexpr bool is_request_id_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

}  // namespace

bool is_valid_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!is_request_id_char(c)) return false;
  }
  return true;
}

void new_request_id(char (&out)[kGeneratedRequestIdLength]) noexcept {
  // 32 random hex digits laid out 8-4-4-4-12, with the version and variant
  // nibbles that make it a valid RFC 9562 version 4 UUID.
  char hex[32];
  fill_random_hex(hex, sizeof hex);
  hex[12] = '4';
  constexpr char kVariantDigits[] = "89ab";
  hex[16] = kVariantDigits[static_cast<unsigned char>(hex[16]) & 3];
  char* cursor = out;
  const char* source = hex;
  for (int group_length : {8, 4, 4, 4, 12}) {
    if (cursor != out) *cursor++ = '-';
    for (int i = 0; i < group_length; ++i) *cursor++ = *source++;
  }
}

std::string new_request_id() {
  char buffer[kGeneratedRequestIdLength];
  new_request_id(buffer);
  return std::string(buffer, sizeof buffer);
}

}  // namespace centinela::security
