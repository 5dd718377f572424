// The L2 entry layout (src/cache/entry_codec.h, version 1) as a test reads
// and rewrites it: what an attacker with write access to Redis, or a
// corrupted value with a valid checksum, could hand the gateway.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace itest {

struct L2Entry {
  // key, host, path_and_query, user
  std::array<std::string, 4> names;
  // tags, vary_names, vary_values
  std::array<std::vector<std::string>, 3> lists;
  std::uint16_t status = 0;
  // header_lines, etag, last_modified, content_type, content_encoding, body
  std::array<std::string, 6> response;
  // request_time, response_time, date_value, age_value, freshness_lifetime,
  // stale_while_revalidate, stale_if_error
  std::array<std::int64_t, 7> times{};
  std::uint8_t flags = 0;

  std::string& header_lines() { return response[0]; }
  std::string& etag() { return response[1]; }
  std::int64_t& request_time() { return times[0]; }
  std::int64_t& response_time() { return times[1]; }
  std::int64_t& date_value() { return times[2]; }

  // nullopt when `bytes` is not a version-1 entry.
  static std::optional<L2Entry> parse(std::string_view bytes);
  // Encoded again, with a valid checksum.
  std::string encode() const;
};

}  // namespace itest
