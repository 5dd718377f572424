// brotli through libbrotlienc's streaming API, taking output straight from
// the encoder's own buffer (no intermediate copy).
#include <brotli/encode.h>

#include <algorithm>
#include <new>

#include "compress/codec_encoders.h"

namespace centinela::compress::detail {
namespace {

// 512 KiB (nginx's brotli_window default): the library's 4 MiB (lgwin 22)
// buys little on API responses, and brotli keeps a ring buffer of twice the
// window for every concurrent streamed body.
constexpr int kMaxWindowLog = 19;

class BrotliEncoder final : public Encoder {
 public:
  BrotliEncoder() = default;
  BrotliEncoder(const BrotliEncoder&) = delete;
  BrotliEncoder& operator=(const BrotliEncoder&) = delete;
  ~BrotliEncoder() override {
    if (state_) BrotliEncoderDestroyInstance(state_);
  }

  bool init(int quality, std::uint64_t size_hint) {
    state_ = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
    if (!state_) return false;
    int lgwin = window_log_for(size_hint, BROTLI_MIN_WINDOW_BITS, kMaxWindowLog);
    bool ok =
        BrotliEncoderSetParameter(state_, BROTLI_PARAM_QUALITY,
                                  static_cast<std::uint32_t>(quality)) &&
        BrotliEncoderSetParameter(state_, BROTLI_PARAM_LGWIN, static_cast<std::uint32_t>(lgwin)) &&
        BrotliEncoderSetParameter(state_, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT);
    if (ok && size_hint != 0) {
      // The hint sizes the encoder's tables for the body.
      std::uint64_t hint = std::min<std::uint64_t>(size_hint, 1u << 30);
      ok = BrotliEncoderSetParameter(state_, BROTLI_PARAM_SIZE_HINT,
                                     static_cast<std::uint32_t>(hint));
    }
    return ok;
  }

  bool write(std::string_view input, std::string& out) override {
    return !finished_ && run(input, BROTLI_OPERATION_PROCESS, out);
  }
  bool flush(std::string& out) override {
    return !finished_ && run({}, BROTLI_OPERATION_FLUSH, out);
  }
  bool finish(std::string& out) override { return write_last({}, out); }
  bool write_last(std::string_view input, std::string& out) override {
    if (finished_) return false;
    finished_ = true;
    return run(input, BROTLI_OPERATION_FINISH, out);
  }

 private:
  bool run(std::string_view input, BrotliEncoderOperation op, std::string& out) {
    const auto* next_in = reinterpret_cast<const std::uint8_t*>(input.data());
    std::size_t avail_in = input.size();
    for (;;) {
      std::size_t avail_out = 0;  // output is taken from the encoder below
      if (!BrotliEncoderCompressStream(state_, op, &avail_in, &next_in, &avail_out, nullptr,
                                       nullptr)) {
        return false;
      }
      std::size_t size = 0;
      const std::uint8_t* data = BrotliEncoderTakeOutput(state_, &size);
      out.append(reinterpret_cast<const char*>(data), size);
      if (op == BROTLI_OPERATION_FINISH) {
        if (BrotliEncoderIsFinished(state_)) return true;
      } else if (avail_in == 0 && !BrotliEncoderHasMoreOutput(state_)) {
        return true;
      }
    }
  }

  BrotliEncoderState* state_ = nullptr;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<Encoder> make_brotli_encoder(int quality, std::uint64_t size_hint) {
  auto encoder = std::unique_ptr<BrotliEncoder>(new (std::nothrow) BrotliEncoder());
  if (!encoder || !encoder->init(quality, size_hint)) return nullptr;
  return encoder;
}

}  // namespace centinela::compress::detail
