#include "pattern_body.h"

#include <zlib.h>

#include <algorithm>
#include <vector>

namespace itest {

namespace {

// A prime period, so a piece dropped, repeated or swapped at any power-of-two
// boundary changes the CRC.
constexpr std::uint64_t kPeriod = 65521;
constexpr std::size_t kMaxSlice = 64 * 1024;

const std::vector<char>& pattern_buffer() {
  static const std::vector<char> buffer = [] {
    std::vector<char> bytes(kPeriod + kMaxSlice);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      std::uint32_t k = static_cast<std::uint32_t>(i % kPeriod);
      bytes[i] = static_cast<char>((k * 2654435761u) >> 13);
    }
    return bytes;
  }();
  return buffer;
}

}  // namespace

std::string_view pattern_slice(std::uint64_t offset, std::size_t max_length) {
  std::size_t length = std::clamp<std::size_t>(max_length, 1, kMaxSlice);
  return std::string_view(pattern_buffer().data() + offset % kPeriod, length);
}

std::string pattern_string(std::uint64_t length) {
  std::string out;
  out.reserve(length);
  while (out.size() < length) out.append(pattern_slice(out.size(), length - out.size()));
  return out;
}

std::uint32_t pattern_crc32(std::uint64_t length) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  for (std::uint64_t done = 0; done < length;) {
    std::string_view piece = pattern_slice(
        done, static_cast<std::size_t>(std::min<std::uint64_t>(length - done, kMaxSlice)));
    crc =
        ::crc32(crc, reinterpret_cast<const Bytef*>(piece.data()), static_cast<uInt>(piece.size()));
    done += piece.size();
  }
  return static_cast<std::uint32_t>(crc);
}

void BodyDigest::add(std::string_view piece) {
  crc_ = static_cast<std::uint32_t>(
      ::crc32(crc_, reinterpret_cast<const Bytef*>(piece.data()), static_cast<uInt>(piece.size())));
  bytes_ += piece.size();
  if (kept_.size() < keep_limit_) {
    kept_.append(piece.substr(0, keep_limit_ - kept_.size()));
  }
}

}  // namespace itest
