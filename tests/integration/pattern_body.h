// A deterministic body of any length, generated on the fly, so tests can send
// or expect gigabytes without holding them and check them with a CRC-32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace itest {

// Up to `max_length` pattern bytes starting at `offset` (at least 1 byte,
// at most 64 KiB per call). The view stays valid for the whole program.
std::string_view pattern_slice(std::uint64_t offset, std::size_t max_length);

// The first `length` pattern bytes as a string (for small bodies).
std::string pattern_string(std::uint64_t length);

// CRC-32 (zlib) of the first `length` pattern bytes.
std::uint32_t pattern_crc32(std::uint64_t length);

// Running CRC-32 and byte count of a body received in pieces, keeping at most
// `keep_limit` bytes of it.
class BodyDigest {
 public:
  explicit BodyDigest(std::size_t keep_limit) : keep_limit_(keep_limit) {}
  void add(std::string_view piece);
  std::uint64_t bytes() const { return bytes_; }
  std::uint32_t crc32() const { return crc_; }
  std::string& kept() { return kept_; }

 private:
  std::size_t keep_limit_;
  std::uint64_t bytes_ = 0;
  std::uint32_t crc_ = 0;
  std::string kept_;
};

}  // namespace itest
