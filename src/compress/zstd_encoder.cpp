// zstd through the streaming API (ZSTD_compressStream2).
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_c_srcSizeHint: a size hint that is not a promise
#include <zstd.h>

#include <algorithm>
#include <new>

#include "compress/codec_encoders.h"

namespace centinela::compress::detail {
namespace {

// 1 MiB when the size is unknown: zstd keeps a window's worth of input for
// every stream, and level 3 would otherwise choose 2 MiB.
constexpr int kMaxStreamingWindowLog = 20;

class ZstdEncoder final : public Encoder {
 public:
  ZstdEncoder() = default;
  ZstdEncoder(const ZstdEncoder&) = delete;
  ZstdEncoder& operator=(const ZstdEncoder&) = delete;
  ~ZstdEncoder() override { ZSTD_freeCCtx(context_); }

  bool init(int level, std::uint64_t size_hint) {
    context_ = ZSTD_createCCtx();
    if (!context_) return false;
    if (ZSTD_isError(ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, level))) {
      return false;
    }
    if (size_hint != 0) {
      // Sizes windows and tables to the body (the context's memory is only
      // allocated on the first write, from these parameters). A hint, unlike
      // a pledged size, is not an error when the body turns out longer.
      int hint = static_cast<int>(std::min<std::uint64_t>(size_hint, 1u << 30));
      return !ZSTD_isError(ZSTD_CCtx_setParameter(context_, ZSTD_c_srcSizeHint, hint));
    }
    int level_window = static_cast<int>(ZSTD_getCParams(level, 0, 0).windowLog);
    if (level_window > kMaxStreamingWindowLog) {
      return !ZSTD_isError(
          ZSTD_CCtx_setParameter(context_, ZSTD_c_windowLog, kMaxStreamingWindowLog));
    }
    return true;
  }

  bool write(std::string_view input, std::string& out) override {
    return !finished_ && run(input, ZSTD_e_continue, out);
  }
  bool flush(std::string& out) override { return !finished_ && run({}, ZSTD_e_flush, out); }
  bool finish(std::string& out) override { return write_last({}, out); }
  bool write_last(std::string_view input, std::string& out) override {
    if (finished_) return false;
    finished_ = true;
    return run(input, ZSTD_e_end, out);
  }

 private:
  bool run(std::string_view input, ZSTD_EndDirective mode, std::string& out) {
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    for (;;) {
      std::size_t room = 0;
      char* at = grow_output(out, (in.size - in.pos) / 2 + 1024, room);
      ZSTD_outBuffer buffer{at, room, 0};
      std::size_t remaining = ZSTD_compressStream2(context_, &buffer, &in, mode);
      out.resize(out.size() - (room - buffer.pos));
      if (ZSTD_isError(remaining)) return false;
      if (mode == ZSTD_e_continue) {
        if (in.pos == in.size) return true;
      } else if (remaining == 0) {
        return true;  // flushed (or ended) completely
      }
    }
  }

  ZSTD_CCtx* context_ = nullptr;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<Encoder> make_zstd_encoder(int level, std::uint64_t size_hint) {
  auto encoder = std::unique_ptr<ZstdEncoder>(new (std::nothrow) ZstdEncoder());
  if (!encoder || !encoder->init(level, size_hint)) return nullptr;
  return encoder;
}

}  // namespace centinela::compress::detail
