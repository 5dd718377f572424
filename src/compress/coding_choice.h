// Which coding a response gets: the route's `compression` policy, the
// client's Accept-Encoding and the response's own facts, decided once per
// response by the compression stage (and, until it runs on the pipeline, by
// net's relay).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compress/coding.h"
#include "config/config.h"

namespace centinela::compress {

// The coding this client should get for a response of `content_type`,
// `content_encoding`, `cache_control` and `length` (nullopt: unknown) under
// `policy`: identity when any rule says no (not a 2xx with a representation,
// already encoded, no-transform, under min_size, a type not listed).
// `varies` is set when the answer depends on Accept-Encoding (the response
// then needs Vary: Accept-Encoding).
Coding choose_coding(const config::CompressionConfig& policy, std::string_view accept_encoding,
                     unsigned status, std::string_view content_type,
                     std::string_view content_encoding, std::string_view cache_control,
                     std::optional<std::uint64_t> length, bool& varies);

// The route's level for a coding (compression.levels).
int policy_level(const config::CompressionConfig& policy, Coding coding);

// "W/" + a strong ETag; a weak one unchanged. A compressed body is not the
// bytes the origin's strong validator names (RFC 9110 §8.8.1).
std::string weaken_etag(std::string_view etag);

}  // namespace centinela::compress
