#include "cache/cache_key.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "cache/cache_entry.h"
#include "compress/negotiation.h"
#include "config/percent_encoding.h"
#include "util/sha256.h"

namespace centinela::cache {
namespace {

namespace http = boost::beast::http;

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// --- Key parts --------------------------------------------------------------
// Each part is `tag` then either "=<length>:<bytes>" or "#<64 hex of
// SHA-256>". Tags come in a fixed order and both forms are self-delimiting,
// so a key parses back into exactly one sequence of parts: injective.

void append_length(std::string& out, std::size_t n) {
  std::array<char, 24> digits{};
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
  out.append(digits.data(), end);
}

void append_hashed_part(std::string& out, char tag, std::string_view value) {
  out += tag;
  out += '#';
  util::append_hex_sha256(out, value);
}

void append_part(std::string& out, char tag, std::string_view value) {
  if (value.size() > kMaxKeyPartBytes) {
    append_hashed_part(out, tag, value);
    return;
  }
  out += tag;
  out += '=';
  append_length(out, value.size());
  out += ':';
  out += value;
}

// Every line of a request field, joined with ", " into `out`; false when the
// field is absent.
bool joined_field(const RequestHead& request, std::string_view name, std::string& out) {
  out.clear();
  const auto [first, last] = request.equal_range(name);
  if (first == last) return false;
  for (auto it = first; it != last; ++it) {
    if (it != first) out += ", ";
    out += std::string_view(it->value());
  }
  return true;
}

// Calls `fn(name, value)` for each cookie of every Cookie line (split on
// ';', trimmed); stops early when `fn` returns true. Returns whether it did.
template <typename Fn>
bool for_each_cookie(const RequestHead& request, Fn&& fn) {
  const auto [first, last] = request.equal_range(http::field::cookie);
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      const std::string_view pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      const std::string_view name = trim(pair.substr(0, eq));
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view{} : trim(pair.substr(eq + 1));
      if (fn(name, value)) return true;
    }
  }
  return false;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// What the upstream will read as the scheme and forwarded host: a trusted
// proxy's own values pass through (proxy/forward_headers.cpp), so they can
// change the response and must be keyed.
std::string_view forwarded_value(const Requester& who, std::string_view name) {
  if (!who.peer_is_trusted_proxy) return {};
  const auto it = who.request.find(name);
  return it == who.request.end() ? std::string_view{} : std::string_view(it->value());
}

// Query parameter name as the upstream will read it: percent-decoded, so
// "%70age" cannot slip past vary_query_params as something unkeyed.
bool param_named_in(std::string_view raw_name, const std::vector<std::string>& list) {
  if (list.empty()) return false;
  if (raw_name.find_first_of("%+") == std::string_view::npos) return contains(list, raw_name);
  const auto decoded = config::percent_decode(raw_name, /*plus_as_space=*/true);
  return contains(list, decoded ? std::string_view(*decoded) : raw_name);
}

std::string_view param_name(std::string_view param) { return param.substr(0, param.find('=')); }

// Into `out` (cleared first): `value` with whitespace around commas and at
// both ends removed.
void append_without_comma_space(std::string& out, std::string_view value) {
  value = trim(value);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == ',') {
      while (!out.empty() && is_ows(out.back())) out.pop_back();
      out += ',';
      while (i + 1 < value.size() && is_ows(value[i + 1])) ++i;
    } else {
      out += c;
    }
  }
}

constexpr std::array<compress::Coding, 3> kOfferedCodings = {
    compress::Coding::br, compress::Coding::zstd, compress::Coding::gzip};

// The value vary_request_value returns, built into `out` (reused buffers).
void build_vary_value(std::string_view lower_name, const RequestHead& request, std::string& joined,
                      std::string& out) {
  out.clear();
  if (!joined_field(request, lower_name, joined)) joined.clear();
  if (lower_name == "accept-encoding") {
    out += compress::coding_token(compress::negotiate(joined, kOfferedCodings));
    return;
  }
  append_without_comma_space(out, joined);
}

// The request's Accept-Encoding, every line joined (a view of the only line
// when there is one); empty when absent.
std::string_view accept_encoding_of(const RequestHead& request, std::string& storage) {
  const auto [first, last] = request.equal_range(http::field::accept_encoding);
  if (first == last) return {};
  if (std::next(first) == last) return first->value();
  joined_field(request, "accept-encoding", storage);
  return storage;
}

}  // namespace

std::string_view host_without_port(std::string_view authority) {
  const auto colon = authority.rfind(':');
  const auto bracket = authority.rfind(']');
  if (colon == std::string_view::npos) return authority;
  if (bracket != std::string_view::npos && colon < bracket) return authority;
  return authority.substr(0, colon);
}

bool should_bypass(const config::CacheConfig& route, const RequestHead& request) {
  for (const auto& name : route.bypass_headers) {
    if (request.find(name) != request.end()) return true;
  }
  if (route.bypass_cookies.empty()) return false;
  return for_each_cookie(request, [&route](std::string_view name, std::string_view) {
    return contains(route.bypass_cookies, name);
  });
}

void normalize_query(const config::CacheConfig& route, std::string_view query, std::string& out) {
  out.clear();
  // Reused per thread: no allocation per request once warmed up.
  thread_local std::vector<std::string_view> params;
  params.clear();
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (param.empty()) continue;
    const std::string_view name = param_name(param);
    if (param_named_in(name, route.ignore_query_params)) continue;
    if (!route.vary_query_params.empty() && !param_named_in(name, route.vary_query_params)) {
      continue;
    }
    params.push_back(param);
  }
  // Equal names keep their order: "a=1&a=2" and "a=2&a=1" differ upstream.
  std::stable_sort(params.begin(), params.end(), [](std::string_view a, std::string_view b) {
    return param_name(a) < param_name(b);
  });
  for (const std::string_view param : params) {
    if (!out.empty()) out += '&';
    out += param;
  }
}

void build_primary_key(const config::CacheConfig& route, std::string_view route_name,
                       std::string_view host, std::string_view path, std::string_view query,
                       const Requester& who, std::string& out, std::string& path_and_query) {
  thread_local std::string scratch;
  out.clear();
  out += "k1";  // format version: a change of layout never matches old keys

  append_part(out, 'r', route_name);
  const std::string_view forwarded_proto = forwarded_value(who, "X-Forwarded-Proto");
  if (!forwarded_proto.empty()) {
    scratch.clear();
    for (const char c : trim(forwarded_proto)) scratch += lower(c);
    append_part(out, 's', scratch);
  } else {
    append_part(out, 's', who.tls ? "https" : "http");
  }
  // The Host the upstream receives, port included (client_session normalised
  // it); lower-cased again so no caller can key two spellings apart.
  scratch.clear();
  for (const char c : trim(host)) scratch += lower(c);
  append_part(out, 'h', scratch);
  if (const auto forwarded_host = forwarded_value(who, "X-Forwarded-Host");
      !forwarded_host.empty()) {
    append_part(out, 'f', forwarded_host);
  }
  append_part(out, 'p', path);
  normalize_query(route, query, scratch);
  append_part(out, 'q', scratch);

  path_and_query.assign(path);
  if (!scratch.empty()) {
    path_and_query += '?';
    path_and_query += scratch;
  }

  for (const std::string& part : route.key) {
    append_part(out, 'x', part);  // which part, so differently keyed routes never meet
    if (part == "user") {
      append_part(out, 'v', who.user);
    } else if (part == "api_key") {
      append_hashed_part(out, 'v', who.api_key);
    } else if (part == "client_cert") {
      append_part(out, 'v', who.client_cert);
    } else if (part == "client_cert_sha256") {
      append_part(out, 'v', who.client_cert_sha256);
    } else if (part.starts_with("header:")) {
      const std::string_view name = std::string_view(part).substr(7);
      if (joined_field(who.request, name, scratch)) {
        append_part(out, 'v', scratch);
      } else {
        append_part(out, '-', {});  // absent differs from empty
      }
    } else if (part.starts_with("cookie:")) {
      const std::string_view name = std::string_view(part).substr(7);
      std::string_view found;
      const bool present =
          for_each_cookie(who.request, [&](std::string_view n, std::string_view v) {
            if (n != name) return false;
            found = v;
            return true;
          });
      if (present) {
        append_part(out, 'v', found);
      } else {
        append_part(out, '-', {});
      }
    }
    // "host" is always keyed above.
  }
}

bool parse_vary(std::string_view vary_value, std::vector<std::string>& names, bool& star) {
  while (!vary_value.empty()) {
    const auto comma = vary_value.find(',');
    const std::string_view member = trim(vary_value.substr(0, comma));
    vary_value =
        comma == std::string_view::npos ? std::string_view{} : vary_value.substr(comma + 1);
    if (member.empty()) continue;
    if (member == "*") {
      star = true;
      continue;
    }
    const bool seen = std::any_of(names.begin(), names.end(), [member](const std::string& n) {
      return n.size() == member.size() && std::equal(n.begin(), n.end(), member.begin(),
                                                     [](char a, char b) { return a == lower(b); });
    });
    if (seen) continue;
    if (names.size() >= kMaxVaryFields) return false;  // stops reading a hostile list early
    std::string name(member);
    for (char& c : name) c = lower(c);
    names.push_back(std::move(name));
  }
  return true;
}

std::string vary_request_value(std::string_view lower_name, const RequestHead& request) {
  std::string joined;
  std::string out;
  build_vary_value(lower_name, request, joined, out);
  return out;
}

std::string_view accept_encoding_vary_value(const RequestHead& request) {
  thread_local std::string joined;
  return compress::coding_token(
      compress::negotiate(accept_encoding_of(request, joined), kOfferedCodings));
}

bool vary_matches(const CacheEntry& entry, const RequestHead& request) {
  if (entry.vary_names.size() != entry.vary_values.size()) return false;
  thread_local std::string joined;
  thread_local std::string value;
  for (std::size_t i = 0; i < entry.vary_names.size(); ++i) {
    build_vary_value(entry.vary_names[i], request, joined, value);
    if (value != entry.vary_values[i]) return false;
  }
  // RFC 9110 §12.5.3: without Accept-Encoding any coding is acceptable.
  if (entry.content_encoding.empty() ||
      request.find(http::field::accept_encoding) == request.end()) {
    return true;
  }
  return compress::accepts_coding(accept_encoding_of(request, joined), entry.content_encoding);
}

bool varies_per_request(std::string_view lower_name) {
  return lower_name == "x-forwarded-for" || lower_name == "x-request-id" ||
         lower_name == "traceparent";
}

bool carries_credentials(const config::IdentityConfig* identity, const RequestHead& request) {
  if (request.find(http::field::authorization) != request.end() ||
      request.find(http::field::proxy_authorization) != request.end()) {
    return true;
  }
  if (identity == nullptr) return false;
  if (identity->api_keys && request.find(identity->api_keys->header) != request.end()) return true;
  if (!identity->jwt) return false;
  const config::JwtConfig& jwt = *identity->jwt;
  if (jwt.cookie.empty()) return request.find(jwt.header) != request.end();
  return for_each_cookie(
      request, [&jwt](std::string_view name, std::string_view) { return name == jwt.cookie; });
}

bool keyed_per_identity(const config::CacheConfig& route, std::string_view user,
                        std::string_view api_key) {
  return (!user.empty() && contains(route.key, "user")) ||
         (!api_key.empty() && contains(route.key, "api_key"));
}

void digest_primary_key(std::string_view primary_key, std::string& out) {
  const auto digest = util::sha256(primary_key);
  out.assign(reinterpret_cast<const char*>(digest.data()), kStoredKeyBytes);
}

}  // namespace centinela::cache
