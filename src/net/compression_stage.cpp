#include "net/compression_stage.h"

#include "proxy/field_lists.h"

namespace centinela::net {
namespace {

namespace http = boost::beast::http;

std::string_view field(const http::fields& fields, http::field name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string_view{} : std::string_view(it->value());
}

}  // namespace

bool CompressionStage::begin(const config::CompressionConfig& policy,
                             std::string_view accept_encoding, proxy::ResponseHead& response,
                             std::optional<std::uint64_t> length) {
  bool varies = false;
  const compress::Coding coding = choose_coding(
      policy, accept_encoding, response.result_int(), field(response, http::field::content_type),
      field(response, http::field::content_encoding), field(response, http::field::cache_control),
      length, varies);
  if (varies) proxy::add_vary(response, "Accept-Encoding");
  if (coding == compress::Coding::identity) return false;
  encoder_ = compress::make_encoder(coding, policy_level(policy, coding), length.value_or(0));
  if (!encoder_) return false;
  response.set(http::field::content_encoding, compress::coding_token(coding));
  response.erase(http::field::content_length);
  if (auto etag = response.find(http::field::etag); etag != response.end()) {
    response.set(http::field::etag, weaken_etag(etag->value()));
  }
  return true;
}

bool CompressionStage::transform(std::string_view piece, bool last, std::string& out) {
  out.clear();
  // The last piece in one call: a body read in one piece is compressed in
  // one go (cheaper for brotli, and zstd records the size).
  if (last) return encoder_->write_last(piece, out);
  return piece.empty() || encoder_->write(piece, out);
}

}  // namespace centinela::net
