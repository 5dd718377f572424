#include "compress/negotiation.h"

#include <array>

#include "compress/ascii_compare.h"

namespace centinela::compress {
namespace {

// Accept-Encoding from real clients lists at most a handful of codings;
// members past this many are not looked at, so a hostile 100 KiB field costs
// one scan of its bytes at most.
constexpr int kMaxMembers = 32;
constexpr int kUnlisted = -1;

// A qvalue (RFC 9110 §12.4.2) in thousandths: "0", "0.5", "1.000"; -1 when
// the text is not one.
int parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return -1;
  int whole = text[0] - '0';
  if (text.size() == 1) return whole * 1000;
  if (text[1] != '.' || text.size() > 5) return -1;
  int thousandths = 0;
  int scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return -1;
    thousandths += (c - '0') * scale;
    scale /= 10;
  }
  if (whole == 1 && thousandths != 0) return -1;  // above 1
  return whole * 1000 + thousandths;
}

// The weight of one member's parameters ("q=0.5", possibly among others):
// 1000 when absent, -1 when given but invalid.
int weight_of(std::string_view parameters) {
  int weight = 1000;
  while (!parameters.empty()) {
    auto semicolon = parameters.find(';');
    std::string_view parameter = trim_ows(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view{} : parameters.substr(semicolon + 1);
    auto equals = parameter.find('=');
    if (equals == std::string_view::npos) continue;
    if (!equals_lower(trim_ows(parameter.substr(0, equals)), "q")) continue;
    weight = parse_qvalue(trim_ows(parameter.substr(equals + 1)));
  }
  return weight;
}

// What the field says about each coding and about "*".
struct Weights {
  std::array<int, kCodingCount> coding;
  int any = kUnlisted;

  Weights() { coding.fill(kUnlisted); }
};

Weights read_weights(std::string_view field) {
  Weights weights;
  for (int member = 0; member < kMaxMembers && !field.empty(); ++member) {
    auto comma = field.find(',');
    std::string_view item = field.substr(0, comma);
    field = comma == std::string_view::npos ? std::string_view{} : field.substr(comma + 1);

    auto semicolon = item.find(';');
    std::string_view token = trim_ows(item.substr(0, semicolon));
    if (token.empty()) continue;
    int weight = semicolon == std::string_view::npos ? 1000 : weight_of(item.substr(semicolon + 1));
    if (weight < 0) continue;  // an invalid q says nothing we can trust

    int* slot = nullptr;
    if (token == "*") {
      slot = &weights.any;
    } else if (std::optional<Coding> coding = coding_from_token(token)) {
      slot = &weights.coding[static_cast<std::size_t>(*coding)];
    }
    // The first mention of a coding counts ("gzip" and "x-gzip" are one).
    if (slot && *slot == kUnlisted) *slot = weight;
  }
  return weights;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_fold(a[i]) != ascii_fold(b[i])) return false;
  }
  return true;
}

// What the field says about one coding named by any token: the weight of its
// own member, else that of "*", else kUnlisted.
int weight_for(std::string_view field, std::string_view coding) {
  const std::optional<Coding> known = coding_from_token(coding);
  int own = kUnlisted;
  int any = kUnlisted;
  for (int member = 0; member < kMaxMembers && !field.empty(); ++member) {
    auto comma = field.find(',');
    std::string_view item = field.substr(0, comma);
    field = comma == std::string_view::npos ? std::string_view{} : field.substr(comma + 1);
    auto semicolon = item.find(';');
    std::string_view token = trim_ows(item.substr(0, semicolon));
    if (token.empty()) continue;
    int weight = semicolon == std::string_view::npos ? 1000 : weight_of(item.substr(semicolon + 1));
    if (weight < 0) continue;
    if (token == "*") {
      if (any == kUnlisted) any = weight;
    } else if (known ? coding_from_token(token) == known : iequals(token, coding)) {
      if (own == kUnlisted) own = weight;
    }
  }
  return own != kUnlisted ? own : any;
}

}  // namespace

bool accepts_coding(std::string_view accept_encoding, std::string_view content_encoding) {
  for (int member = 0; member < kMaxMembers && !content_encoding.empty(); ++member) {
    auto comma = content_encoding.find(',');
    std::string_view coding = trim_ows(content_encoding.substr(0, comma));
    content_encoding =
        comma == std::string_view::npos ? std::string_view{} : content_encoding.substr(comma + 1);
    if (coding.empty() || equals_lower(coding, "identity")) continue;
    if (weight_for(accept_encoding, coding) <= 0) return false;
  }
  // A list longer than any real one is not judged further: refused.
  return content_encoding.empty();
}

Coding negotiate(std::string_view accept_encoding, std::span<const Coding> offered) {
  Weights weights = read_weights(accept_encoding);
  Coding best = Coding::identity;
  int best_weight = 0;
  for (Coding coding : offered) {
    if (coding == Coding::identity) continue;
    int weight = weights.coding[static_cast<std::size_t>(coding)];
    if (weight == kUnlisted) weight = weights.any;  // "*" covers what is not named
    if (weight > best_weight) {  // strictly: ties keep the server's earlier choice
      best = coding;
      best_weight = weight;
    }
  }
  // A client that names identity above every coding it accepts prefers the
  // body as it is.
  int identity_weight = weights.coding[static_cast<std::size_t>(Coding::identity)];
  if (best != Coding::identity && identity_weight > best_weight) return Coding::identity;
  return best;
}

namespace {

// "type/subtype" split at the slash; parameters and surrounding spaces removed.
struct MediaType {
  std::string_view type;
  std::string_view subtype;
};

bool split_media_type(std::string_view text, MediaType& out) {
  text = trim_ows(text.substr(0, text.find(';')));
  auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return false;
  out.type = text.substr(0, slash);
  out.subtype = trim_ows(text.substr(slash + 1));
  return !out.subtype.empty();
}

bool ends_with_lower(std::string_view text, std::string_view lower_suffix) {
  return text.size() >= lower_suffix.size() &&
         equals_lower(text.substr(text.size() - lower_suffix.size()), lower_suffix);
}

// An allowlist entry (lower-case): "type/subtype", "type/*", "type/*+suffix"
// or "*/*".
bool matches(const MediaType& media, std::string_view pattern) {
  auto slash = pattern.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view type = pattern.substr(0, slash);
  std::string_view subtype = pattern.substr(slash + 1);
  if (type != "*" && !equals_lower(media.type, type)) return false;
  if (subtype == "*") return true;
  if (subtype.starts_with("*+")) return ends_with_lower(media.subtype, subtype.substr(1));
  return equals_lower(media.subtype, subtype);
}

// Text-like types that compress well. Already compressed formats (images
// other than SVG, video, audio, archives, woff/woff2) are left out.
constexpr std::string_view kDefaultTypes[] = {
    "text/*",
    "application/json",
    "application/*+json",
    "application/javascript",
    "application/x-javascript",
    "application/ecmascript",
    "application/xml",
    "application/*+xml",
    "application/x-ndjson",
    "application/graphql",
    "application/wasm",
    "application/x-yaml",
    "application/yaml",
    "application/vnd.ms-fontobject",
    "font/ttf",
    "font/otf",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "image/bmp",
};

}  // namespace

bool is_compressible_type(std::string_view content_type,
                          const std::vector<std::string>& allowlist) {
  MediaType media;
  if (!split_media_type(content_type, media)) return false;
  if (allowlist.empty()) {
    // Server-sent events must reach the client event by event; the default
    // list never holds them back in a compressor's buffer.
    if (equals_lower(media.type, "text") && equals_lower(media.subtype, "event-stream")) {
      return false;
    }
    for (std::string_view pattern : kDefaultTypes) {
      if (matches(media, pattern)) return true;
    }
    return false;
  }
  for (const std::string& pattern : allowlist) {
    if (matches(media, pattern)) return true;
  }
  return false;
}

bool has_no_transform(std::string_view cache_control) {
  // Directives are separated by commas outside quoted strings; a quoted
  // argument ("no-cache=\"a, no-transform\"") is skipped, not read as a directive.
  std::size_t i = 0;
  const std::size_t n = cache_control.size();
  while (i < n) {
    std::size_t start = i;
    while (i < n && cache_control[i] != ',' && cache_control[i] != '=') ++i;
    std::string_view name = trim_ows(cache_control.substr(start, i - start));
    if (equals_lower(name, "no-transform")) return true;
    if (i < n && cache_control[i] == '=') {
      ++i;
      while (i < n && is_ows(cache_control[i])) ++i;
      if (i < n && cache_control[i] == '"') {
        for (++i; i < n && cache_control[i] != '"'; ++i) {
          if (cache_control[i] == '\\') ++i;
        }
      }
      while (i < n && cache_control[i] != ',') ++i;
    }
    ++i;  // past the comma
  }
  return false;
}

}  // namespace centinela::compress
