#include "compress/coding_choice.h"

#include <array>
#include <span>

#include "compress/ascii_compare.h"
#include "compress/from_config.h"
#include "compress/negotiation.h"

namespace centinela::compress {
namespace {

// Statuses whose bodies are representations worth compressing; 206 is not
// (its byte ranges refer to the identity body).
bool compressible_status(unsigned status) {
  return status >= 200 && status < 300 && status != 204 && status != 206;
}

}  // namespace

int policy_level(const config::CompressionConfig& policy, Coding coding) {
  return level_for(coding, policy.levels);
}

Coding choose_coding(const config::CompressionConfig& policy, std::string_view accept_encoding,
                     unsigned status, std::string_view content_type,
                     std::string_view content_encoding, std::string_view cache_control,
                     std::optional<std::uint64_t> length, bool& varies) {
  varies = false;
  if (!policy.enabled || !compressible_status(status)) return Coding::identity;
  // An encoded body is never encoded twice; no-transform forbids it.
  if (!content_encoding.empty() && !equals_lower(content_encoding, "identity")) {
    return Coding::identity;
  }
  if (has_no_transform(cache_control)) return Coding::identity;
  if (length && *length < policy.min_size) return Coding::identity;
  if (!is_compressible_type(content_type, policy.content_types)) return Coding::identity;
  varies = true;
  std::array<Coding, 3> offered{};
  std::size_t count = 0;
  for (const auto& name : policy.algorithms) {
    if (auto coding = coding_from_token(name); coding && count < offered.size()) {
      offered[count++] = *coding;
    }
  }
  return negotiate(accept_encoding, std::span<const Coding>(offered.data(), count));
}

std::string weaken_etag(std::string_view etag) {
  if (etag.starts_with("W/")) return std::string(etag);
  std::string weak = "W/";
  weak += etag;
  return weak;
}

}  // namespace centinela::compress
