// The real decoders, to check what the encoders produce: zlib inflate with
// a gzip header, BrotliDecoder and ZSTD_decompress.
#pragma once

#include <brotli/decode.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader
#include <zstd.h>

#include <optional>
#include <string>
#include <string_view>

#include "compress/coding.h"

namespace centinela::compress::testing {

// The decoded bytes of a complete gzip stream, or nullopt.
inline std::optional<std::string> gunzip(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + 15) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  char buffer[16384];
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) break;  // truncated
  }
  bool complete = rc == Z_STREAM_END && stream.avail_in == 0;
  inflateEnd(&stream);
  if (!complete) return std::nullopt;
  return out;
}

// What a gzip stream cut off after a flush decodes to so far (the stream has
// no trailer yet); nullopt when the bytes are corrupt.
inline std::optional<std::string> gunzip_prefix(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + 15) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  do {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_SYNC_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  } while (rc == Z_OK && stream.avail_in != 0);
  inflateEnd(&stream);
  if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) return std::nullopt;
  return out;
}

// Brotli: `complete` asks for the end of the stream; otherwise what decodes so far.
inline std::optional<std::string> unbrotli(std::string_view data, bool complete = true) {
  BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  const auto* next_in = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t avail_in = data.size();
  std::string out;
  BrotliDecoderResult result;
  do {
    std::size_t avail_out = 0;
    result =
        BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, nullptr, nullptr);
    std::size_t size = 0;
    const std::uint8_t* taken = BrotliDecoderTakeOutput(state, &size);
    out.append(reinterpret_cast<const char*>(taken), size);
  } while (result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT);
  BrotliDecoderDestroyInstance(state);
  bool ok = complete ? (result == BROTLI_DECODER_RESULT_SUCCESS && avail_in == 0)
                     : (result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT ||
                        result == BROTLI_DECODER_RESULT_SUCCESS);
  if (!ok) return std::nullopt;
  return out;
}

// zstd through the streaming decoder (ZSTD_decompress needs the content size
// in the frame header, which a streamed frame does not carry).
inline std::optional<std::string> unzstd(std::string_view data, bool complete = true) {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string out;
  char buffer[16384];
  std::size_t rc = 0;
  do {
    ZSTD_outBuffer buffer_out{buffer, sizeof buffer, 0};
    rc = ZSTD_decompressStream(context, &buffer_out, &in);
    out.append(buffer, buffer_out.pos);
    if (ZSTD_isError(rc)) break;
    if (rc == 0 && in.pos == in.size) break;  // frame ended (another call would start a new one)
    if (in.pos == in.size && buffer_out.pos < sizeof buffer) break;  // no more to give
  } while (true);
  ZSTD_freeDCtx(context);
  if (ZSTD_isError(rc) || in.pos != in.size) return std::nullopt;
  if (complete && rc != 0) return std::nullopt;  // frame not ended
  return out;
}

inline std::optional<std::string> decode(Coding coding, std::string_view data,
                                         bool complete = true) {
  switch (coding) {
    case Coding::gzip:
      return complete ? gunzip(data) : gunzip_prefix(data);
    case Coding::br:
      return unbrotli(data, complete);
    case Coding::zstd:
      return unzstd(data, complete);
    case Coding::identity:
      break;
  }
  return std::string(data);
}

}  // namespace centinela::compress::testing
