#include "net/compression_stage.h"

#include <array>
#include <boost/beast/core/string.hpp>

#include "compress/from_config.h"
#include "compress/negotiation.h"
#include "proxy/field_lists.h"

namespace centinela::net {
namespace {

namespace http = boost::beast::http;

// Statuses whose bodies are representations worth compressing; 206 is not
// (its byte ranges refer to the identity body).
bool compressible_status(unsigned status) {
  return status >= 200 && status < 300 && status != 204 && status != 206;
}

std::string_view field(const http::fields& fields, http::field name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string_view{} : std::string_view(it->value());
}

}  // namespace

int policy_level(const config::CompressionConfig& policy, compress::Coding coding) {
  return compress::level_for(coding, policy.levels);
}

compress::Coding choose_coding(const config::CompressionConfig& policy,
                               std::string_view accept_encoding, unsigned status,
                               std::string_view content_type, std::string_view content_encoding,
                               std::string_view cache_control, std::optional<std::uint64_t> length,
                               bool& varies) {
  varies = false;
  if (!policy.enabled || !compressible_status(status)) return compress::Coding::identity;
  // An encoded body is never encoded twice; no-transform forbids it.
  if (!content_encoding.empty() && !boost::beast::iequals(content_encoding, "identity")) {
    return compress::Coding::identity;
  }
  if (compress::has_no_transform(cache_control)) return compress::Coding::identity;
  if (length && *length < policy.min_size) return compress::Coding::identity;
  if (!compress::is_compressible_type(content_type, policy.content_types)) {
    return compress::Coding::identity;
  }
  varies = true;
  std::array<compress::Coding, 3> offered{};
  std::size_t count = 0;
  for (const auto& name : policy.algorithms) {
    if (auto coding = compress::coding_from_token(name); coding && count < offered.size()) {
      offered[count++] = *coding;
    }
  }
  return compress::negotiate(accept_encoding,
                             std::span<const compress::Coding>(offered.data(), count));
}

std::string weaken_etag(std::string_view etag) {
  if (etag.starts_with("W/")) return std::string(etag);
  std::string weak = "W/";
  weak += etag;
  return weak;
}

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
