#include "compress/encoder.h"

#include <algorithm>
#include <bit>
#include <new>

#include "compress/codec_encoders.h"

namespace centinela::compress {
namespace detail {

int window_log_for(std::uint64_t size, int min_log, int max_log) {
  if (size == 0) return max_log;
  int log = static_cast<int>(std::bit_width(size - 1));  // 2^log >= size
  return std::clamp(log, min_log, max_log);
}

char* grow_output(std::string& out, std::size_t want, std::size_t& room) {
  // resize() zero-fills, so a large spare capacity is handed out only up to
  // this much per call; the codecs call again when they need more.
  constexpr std::size_t kMaxUnasked = 16 * 1024;
  std::size_t used = out.size();
  if (out.capacity() - used < want) out.reserve(std::max(used + want, used * 2));
  room = std::min(out.capacity() - used, std::max(want, kMaxUnasked));
  out.resize(used + room);
  return out.data() + used;
}

}  // namespace detail

namespace {

// Level ranges of the libraries, and the defaults for the request path.
struct LevelRange {
  int min;
  int max;
  int fallback;
};

LevelRange range_of(Coding coding) {
  switch (coding) {
    case Coding::gzip:
      return {1, 9, 6};
    case Coding::br:
      return {1, 11, 4};  // quality 0 exists, but 0 asks for the default
    case Coding::zstd:
      return {1, 19, 3};
    case Coding::identity:
      break;
  }
  return {0, 0, 0};
}

int effective_level(Coding coding, int level) {
  LevelRange range = range_of(coding);
  return (level < range.min || level > range.max) ? range.fallback : level;
}

class IdentityEncoder final : public Encoder {
 public:
  bool write(std::string_view input, std::string& out) override {
    out.append(input);
    return true;
  }
  bool flush(std::string&) override { return true; }
  bool finish(std::string&) override { return true; }
};

}  // namespace

std::unique_ptr<Encoder> make_encoder(Coding coding, int level, std::uint64_t size_hint) {
  level = effective_level(coding, level);
  switch (coding) {
    case Coding::gzip:
      return detail::make_gzip_encoder(level, size_hint);
    case Coding::br:
      return detail::make_brotli_encoder(level, size_hint);
    case Coding::zstd:
      return detail::make_zstd_encoder(level, size_hint);
    case Coding::identity:
      break;
  }
  return std::unique_ptr<Encoder>(new (std::nothrow) IdentityEncoder());
}

bool compress_all(Coding coding, std::string_view input, std::string& out, int level) {
  std::unique_ptr<Encoder> encoder = make_encoder(coding, level, input.size());
  if (!encoder) return false;
  // Text compresses to well under half; reserving that much means one
  // allocation for most bodies and amortised doubling for the rest.
  out.reserve(out.size() + input.size() / 2 + 64);
  return encoder->write_last(input, out);
}

}  // namespace centinela::compress
