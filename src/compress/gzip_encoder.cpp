// gzip through zlib's deflate with a gzip header (windowBits + 16).
#include <zlib.h>

#include <algorithm>
#include <new>

#include "compress/codec_encoders.h"

namespace centinela::compress::detail {
namespace {

class GzipEncoder final : public Encoder {
 public:
  GzipEncoder() = default;
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;
  ~GzipEncoder() override {
    if (ready_) deflateEnd(&stream_);
  }

  bool init(int level, std::uint64_t size_hint) {
    // A window no larger than the body, and hash/buffer memory to match:
    // deflate's state is (1 << (wbits + 2)) + (1 << (mem_level + 9)) bytes,
    // about 256 KiB at the defaults (15, 8) and about 4 KiB at (9, 2).
    int wbits = window_log_for(size_hint, 9, 15);
    int mem_level = std::clamp(wbits - 6, 1, 8);
    ready_ = deflateInit2(&stream_, level, Z_DEFLATED, wbits + 16, mem_level, Z_DEFAULT_STRATEGY) ==
             Z_OK;
    return ready_;
  }

  bool write(std::string_view input, std::string& out) override {
    return !finished_ && run(input, Z_NO_FLUSH, out);
  }
  bool flush(std::string& out) override { return !finished_ && run({}, Z_SYNC_FLUSH, out); }
  bool finish(std::string& out) override { return write_last({}, out); }
  bool write_last(std::string_view input, std::string& out) override {
    if (finished_) return false;
    finished_ = true;
    return run(input, Z_FINISH, out);
  }

 private:
  bool run(std::string_view input, int mode, std::string& out) {
    // zlib counts in 32 bits: a larger piece is fed a gigabyte at a time.
    constexpr std::size_t kMaxPiece = std::size_t{1} << 30;
    while (input.size() > kMaxPiece) {
      if (!run(input.substr(0, kMaxPiece), Z_NO_FLUSH, out)) return false;
      input.remove_prefix(kMaxPiece);
    }
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    for (;;) {
      std::size_t room = 0;
      char* at = grow_output(out, stream_.avail_in / 2 + 1024, room);
      room = std::min<std::size_t>(room, 1u << 30);
      stream_.next_out = reinterpret_cast<Bytef*>(at);
      stream_.avail_out = static_cast<uInt>(room);
      int rc = deflate(&stream_, mode);
      out.resize(out.size() - stream_.avail_out);
      if (rc == Z_STREAM_ERROR) return false;
      if (mode == Z_FINISH) {
        if (rc == Z_STREAM_END) return true;
        if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
        continue;
      }
      // Everything consumed and room left over: deflate has nothing more to give.
      if (stream_.avail_in == 0 && stream_.avail_out != 0) return true;
    }
  }

  z_stream stream_{};
  bool ready_ = false;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<Encoder> make_gzip_encoder(int level, std::uint64_t size_hint) {
  auto encoder = std::unique_ptr<GzipEncoder>(new (std::nothrow) GzipEncoder());
  if (!encoder || !encoder->init(level, size_hint)) return nullptr;
  return encoder;
}

}  // namespace centinela::compress::detail
