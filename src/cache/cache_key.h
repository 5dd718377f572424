// Cache keys. The primary key names the resource as the route keys it (host,
// path, normalised query, and the route's extra key parts such as the user);
// Vary then selects among the stored variants of one primary key. Only what
// the key names can change what is served: unkeyed request fields
// (X-Forwarded-Host...) are never trusted by the cache.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace centinela::cache {

struct CacheEntry;

// The client's request head (the same type as stage::RequestHead).
using RequestHead = boost::beast::http::request_header<boost::beast::http::fields>;

// Who asks, as far as the key cares: the request, whether its forwarding
// fields are to be believed (a trusted proxy), the scheme it came by, and the
// identity a stage established.
struct Requester {
  const RequestHead& request;
  bool peer_is_trusted_proxy = false;
  bool tls = false;
  std::string_view user;
  std::string_view api_key;
  std::string_view client_cert;         // the verified mTLS client certificate's subject
  std::string_view client_cert_sha256;  // its SHA-256 fingerprint (lower-case hex)
};

// At most this many Vary field names are honoured; a response varying on more
// is not stored.
inline constexpr std::size_t kMaxVaryFields = 16;

// A key part longer than this is replaced by its SHA-256 (tagged so it
// cannot be mistaken for a literal part): keys stay bounded and injective.
inline constexpr std::size_t kMaxKeyPartBytes = 1024;

// The host of an authority ("Example.com:8080" → "Example.com", "[::1]:80" →
// "[::1]"): what purge by URL matches entries by.
std::string_view host_without_port(std::string_view authority);

// Whether the route's bypass rules (a header present, a cookie present) send
// this request straight upstream, untouched by the cache.
bool should_bypass(const config::CacheConfig& route, const RequestHead& request);

// The query with parameters sorted by name (stable for equal names), those in
// route.ignore_query_params removed and, when route.vary_query_params is not
// empty, only those kept. Without a query, empty.
void normalize_query(const config::CacheConfig& route, std::string_view query, std::string& out);

// Builds the primary key into `out` (cleared first) from the host as the
// upstream receives it (lower-case, port included: "example.com:8443" and
// "example.com" are different entries), the path, the normalised query and
// the route's key parts
// (user, api_key, header:NAME, cookie:NAME; see config.h). `path_and_query`
// receives "path?normalised-query" (or "path"), what purge by url matches.
// Length-prefixed parts, so no two different inputs give the same key.
// Also keyed: the route name, the route's list of key parts (a reload that
// adds `user` never serves old shared entries as per-user ones), the scheme
// the upstream will be told (a trusted proxy's X-Forwarded-Proto, else the
// connection's), and a trusted proxy's X-Forwarded-Host; an untrusted
// peer's forwarding fields are replaced before the upstream sees them, so
// they are not keyed. API keys are keyed by their SHA-256, never in clear.
void build_primary_key(const config::CacheConfig& route, std::string_view route_name,
                       std::string_view host, std::string_view path, std::string_view query,
                       const Requester& who, std::string& out, std::string& path_and_query);

// The key as the stores use it: the first 15 bytes of the primary key's
// SHA-256 (as nginx keys its cache by MD5). Fixed-size, so it fits a
// std::string's inline buffer: no heap copy per entry or index node, however
// long the URL; 120 bits make a collision practically impossible.
inline constexpr std::size_t kStoredKeyBytes = 15;
void digest_primary_key(std::string_view primary_key, std::string& out);

// The field names a Vary value lists: lower-case, de-duplicated, in order,
// appended to `names` (so a field's lines may also be passed one by one).
// `star` is set for "*". Returns false when there are more than
// kMaxVaryFields (the response is then not stored).
bool parse_vary(std::string_view vary_value, std::vector<std::string>& names, bool& star);

// The request's value for one Vary field, normalised so equivalent requests
// match: all lines joined with ", ", whitespace around commas removed, and
// for accept-encoding the single coding the gateway would choose ("br",
// "zstd", "gzip" or "identity") instead of the raw list.
std::string vary_request_value(std::string_view lower_name, const RequestHead& request);

// vary_request_value for accept-encoding, as a view of a static token
// ("br", "zstd", "gzip", "identity"): taken from the client's request before
// the gateway removes the field on its way upstream (it compresses itself).
std::string_view accept_encoding_vary_value(const RequestHead& request);

// Whether `entry` was stored for a request equivalent to this one on every
// field it varies on, and its content coding is one this request accepts
// (an origin may pick a coding the normalised Accept-Encoding does not name).
bool vary_matches(const CacheEntry& entry, const RequestHead& request);

// Whether `lower_name` is a request field the gateway writes afresh for each
// request it forwards (X-Forwarded-For, X-Request-ID, traceparent): a
// response that varies on one fits no other client, as with Vary: *.
bool varies_per_request(std::string_view lower_name);

// RFC 9111 §3.5 for every credential the gateway knows: whether the request
// carries Authorization, Proxy-Authorization, or the header or cookie
// `identity` reads a JWT or an API key from, verified or not (the origin may
// answer for it either way). `identity` may be null (no identity section).
bool carries_credentials(const config::IdentityConfig* identity, const RequestHead& request);

// Whether the route keys this request's entry on who asks: `user` with a
// user established, or `api_key` with a key presented. Such an entry is found
// only by the same identity, so an answer to a credential may be kept there.
bool keyed_per_identity(const config::CacheConfig& route, std::string_view user,
                        std::string_view api_key);

}  // namespace centinela::cache
