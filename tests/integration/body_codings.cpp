#include "body_codings.h"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include <vector>

#include "header_list.h"

namespace itest {

std::optional<std::string> gunzip(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[64 * 1024];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  return out;
}

std::string gzip(std::string_view data) {
  z_stream stream{};
  deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::optional<std::string> unbrotli(std::string_view data) {
  BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  const auto* next_in = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t available_in = data.size();
  std::string out;
  BrotliDecoderResult result = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    std::uint8_t buffer[64 * 1024];
    std::uint8_t* next_out = buffer;
    std::size_t available_out = sizeof buffer;
    result = BrotliDecoderDecompressStream(state, &available_in, &next_in, &available_out,
                                           &next_out, nullptr);
    out.append(reinterpret_cast<char*>(buffer), sizeof buffer - available_out);
  }
  BrotliDecoderDestroyInstance(state);
  if (result != BROTLI_DECODER_RESULT_SUCCESS) return std::nullopt;
  return out;
}

std::optional<std::string> unzstd(std::string_view data) {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  std::string out;
  std::size_t last = 1;
  std::vector<char> buffer(ZSTD_DStreamOutSize());
  while (input.pos < input.size || last != 0) {
    ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
    last = ZSTD_decompressStream(context, &output, &input);
    if (ZSTD_isError(last)) {
      ZSTD_freeDCtx(context);
      return std::nullopt;
    }
    out.append(buffer.data(), output.pos);
    if (input.pos == input.size && output.pos < output.size && last != 0) break;  // truncated
  }
  ZSTD_freeDCtx(context);
  if (last != 0) return std::nullopt;
  return out;
}

std::optional<std::string> decoded(const HttpResponse& response) {
  std::string coding = to_lower(response.header("content-encoding").value_or(""));
  if (coding.empty() || coding == "identity") return response.body;
  if (coding == "gzip") return gunzip(response.body);
  if (coding == "br") return unbrotli(response.body);
  if (coding == "zstd") return unzstd(response.body);
  return std::nullopt;
}

}  // namespace itest
