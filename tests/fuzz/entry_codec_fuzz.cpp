// The L2 entry codec (src/cache/entry_codec.h) on bytes anyone with access to
// Redis could have written. The first input byte picks how the rest is read:
// even, as an entry body whose checksum is made valid (so mutations reach
// the field parsing), odd, as a whole value (checksum and all). Whatever the
// bytes: decoding ends without a crash; what it accepts is an entry an origin
// response could have made (restated here, independently of entry_checks.cpp:
// clean field lines, field values without controls, times in range); and an
// accepted value encodes back to exactly its bytes and decodes again.
#include <zlib.h>

#include <array>
#include <string>
#include <string_view>

#include "cache/entry_codec.h"
#include "fuzz_target.h"

namespace {

using centinela::cache::CacheEntry;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kDelta = 2147483648;  // RFC 9111 §1.2.2's largest delta-seconds

std::string with_crc(std::string bytes) {
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return bytes;
}

bool is_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

bool clean_value(std::string_view value) {
  for (unsigned char c : value) {
    if (is_control(c)) return false;
  }
  return true;
}

bool is_token_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

// Every line "token: clean value\r\n", none naming a field the hit writes.
bool clean_lines(std::string_view lines) {
  static constexpr std::array<std::string_view, 19> kWrittenByTheHit = {"content-length",
                                                                        "transfer-encoding",
                                                                        "connection",
                                                                        "keep-alive",
                                                                        "proxy-connection",
                                                                        "te",
                                                                        "trailer",
                                                                        "upgrade",
                                                                        "date",
                                                                        "age",
                                                                        "etag",
                                                                        "last-modified",
                                                                        "content-type",
                                                                        "content-encoding",
                                                                        "vary",
                                                                        "x-cache",
                                                                        "cache-status",
                                                                        "x-request-id",
                                                                        "centinela-cache-control"};
  while (!lines.empty()) {
    const auto end = lines.find("\r\n");
    if (end == std::string_view::npos) return false;
    const std::string_view line = lines.substr(0, end);
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    for (unsigned char c : line.substr(0, colon)) {
      if (!is_token_char(c)) return false;
    }
    if (!clean_value(line.substr(colon + 1))) return false;  // no CR, LF or NUL inside
    const std::string name = lower(line.substr(0, colon));
    for (std::string_view written : kWrittenByTheHit) {
      if (name == written) return false;
    }
    lines.remove_prefix(end + 2);
  }
  return true;
}

bool in(std::int64_t value, std::int64_t low, std::int64_t high) {
  return value >= low && value <= high;
}

bool servable(const CacheEntry& e) {
  if (e.status_code < 200 || e.status_code > 599) return false;
  if (!clean_lines(e.header_lines)) return false;
  for (const std::string* value :
       {&e.etag, &e.last_modified, &e.content_type, &e.content_encoding}) {
    if (!clean_value(*value)) return false;
  }
  for (const auto& values : {e.tags, e.vary_values}) {
    for (const auto& value : values) {
      if (!clean_value(value)) return false;
    }
  }
  if (e.vary_names.size() != e.vary_values.size()) return false;
  for (const auto& name : e.vary_names) {
    if (name.empty() || lower(name) != name) return false;
    for (unsigned char c : name) {
      if (!is_token_char(c)) return false;
    }
  }
  return in(e.response_time, kNow - kDelta, kNow + 300) &&
         in(e.request_time, e.response_time - kDelta, e.response_time) &&
         in(e.date_value, e.response_time - kDelta, e.response_time + kDelta) &&
         in(e.age_value, 0, kDelta) && in(e.freshness_lifetime, 0, kDelta) &&
         in(e.stale_while_revalidate, -1, kDelta) && in(e.stale_if_error, -1, kDelta);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::cache;
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string bytes = (data[0] & 1) == 0 ? with_crc(std::string(rest)) : std::string(rest);

  std::string error;
  const auto entry = decode_entry(bytes, kNow, error);
  if (entry == nullptr) {
    fuzz_check(!error.empty(), "refused without a reason");
    return 0;
  }
  fuzz_check(error.empty(), "accepted with an error");
  fuzz_check(servable(*entry), "accepted an entry no origin response could have made");

  std::string again;
  encode_entry(*entry, again);
  fuzz_check(again == bytes, "an accepted entry does not encode back to its bytes");
  const auto twice = decode_entry(again, kNow, error);
  fuzz_check(twice != nullptr, "a re-encoded entry is refused");
  std::string third;
  encode_entry(*twice, third);
  fuzz_check(third == again, "decode(encode(entry)) differs from entry");
  return 0;
}
