#include "cache/cache_key.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cache/cache_entry.h"

namespace centinela::cache {
namespace {

std::string normalized(const config::CacheConfig& route, std::string_view query) {
  std::string out = "garbage";  // cleared first
  normalize_query(route, query, out);
  return out;
}

TEST(CacheKeyQuery, SortedByNameStableForEqualNames) {
  const config::CacheConfig route;
  EXPECT_EQ(normalized(route, "b=2&a=1&c&a=0"), "a=1&a=0&b=2&c");
  EXPECT_EQ(normalized(route, "a=0&b=2&a=1"), "a=0&a=1&b=2");
  EXPECT_EQ(normalized(route, ""), "");
  EXPECT_EQ(normalized(route, "&&z=1&&"), "z=1");
}

TEST(CacheKeyQuery, IgnoredParamsAreDropped) {
  config::CacheConfig route;
  route.ignore_query_params = {"utm_source", "fbclid"};
  EXPECT_EQ(normalized(route, "utm_source=x&id=3&fbclid=y"), "id=3");
  EXPECT_EQ(normalized(route, "utm_source=x"), "");
  // Ignored by the name the upstream reads.
  EXPECT_EQ(normalized(route, "utm%5Fsource=x&id=3"), "id=3");
}

TEST(CacheKeyQuery, VaryParamsKeepOnlyThose) {
  config::CacheConfig route;
  route.vary_query_params = {"page"};
  EXPECT_EQ(normalized(route, "sort=asc&page=2&x=1"), "page=2");
  // "%70age" is "page" upstream: it must stay keyed, or page 2 would be
  // stored under the key of the page-less request.
  EXPECT_EQ(normalized(route, "%70age=2"), "%70age=2");
  EXPECT_EQ(normalized(route, "sort=asc"), "");
}

struct KeyInput {
  std::string route_name = "api";
  std::string host = "Example.COM:8080";
  std::string path = "/items";
  std::string query;
};

struct KeyResult {
  std::string key;
  std::string path_and_query;
};

// What the key reads about who asks (a stage's RequestContext has these).
struct Asker {
  const RequestHead& request;
  bool peer_is_trusted_proxy = false;
  bool tls = false;
  std::string user;
  std::string api_key;
  std::string client_cert;
  std::string client_cert_sha256;
  Requester view() const {
    return {request, peer_is_trusted_proxy, tls, user, api_key, client_cert, client_cert_sha256};
  }
};

KeyResult key_of(const config::CacheConfig& route, const KeyInput& in, const Asker& who) {
  KeyResult r;
  build_primary_key(route, in.route_name, in.host, in.path, in.query, who.view(), r.key,
                    r.path_and_query);
  return r;
}

class CacheKeyBuild : public ::testing::Test {
 protected:
  std::string key(const KeyInput& in) { return key_of(route_, in, ctx_).key; }

  config::CacheConfig route_;
  RequestHead request_;
  Asker ctx_{request_};
};

TEST_F(CacheKeyBuild, QueryOrderAndHostCaseDoNotMatter) {
  KeyInput a{.query = "b=2&a=1"};
  KeyInput b{.host = "example.com:8080", .query = "a=1&b=2"};
  EXPECT_EQ(key(a), key(b));
}

TEST_F(CacheKeyBuild, ThePortIsKeyedAsTheUpstreamReceivesIt) {
  // The upstream is told "example.com:9999": an answer built from it must
  // not be served for "example.com:8080" or "example.com".
  std::set<std::string> keys;
  keys.insert(key({.host = "example.com:8080"}));
  keys.insert(key({.host = "example.com:9999"}));
  keys.insert(key({.host = "example.com"}));
  keys.insert(key({.host = "[::1]:8080"}));
  keys.insert(key({.host = "[::1]"}));
  EXPECT_EQ(keys.size(), 5u);
}

TEST_F(CacheKeyBuild, PathAndQueryForPurge) {
  const auto r = key_of(route_, {.path = "/x", .query = "z=1&a=2"}, ctx_);
  EXPECT_EQ(r.path_and_query, "/x?a=2&z=1");
  EXPECT_EQ(key_of(route_, {.path = "/x"}, ctx_).path_and_query, "/x");
}

TEST_F(CacheKeyBuild, EachPartMatters) {
  std::set<std::string> keys;
  keys.insert(key({}));
  keys.insert(key({.route_name = "other"}));
  keys.insert(key({.host = "example.org"}));
  keys.insert(key({.path = "/Items"}));  // paths are case-sensitive
  keys.insert(key({.query = "a=1"}));
  keys.insert(key({.query = "a=1&a=2"}));
  keys.insert(key({.query = "a=2&a=1"}));
  ctx_.tls = true;
  keys.insert(key({}));
  EXPECT_EQ(keys.size(), 8u);
}

TEST_F(CacheKeyBuild, InjectiveWhereNaiveConcatenationCollides) {
  // Shifting bytes between adjacent parts must change the key.
  EXPECT_NE(key({.route_name = "ab", .host = "c"}), key({.route_name = "a", .host = "bc"}));
  EXPECT_NE(key({.path = "/a", .query = "b=1"}), key({.path = "/a?b=1"}));
  EXPECT_NE(key({.path = "/a", .query = ""}), key({.path = "/a?"}));
  EXPECT_NE(key({.host = "h=1:x", .path = "/p"}), key({.host = "h", .path = "=1:x/p"}));

  route_.key = {"header:x-a", "header:x-b"};
  request_.set("x-a", "1");
  request_.set("x-b", "2v=1:3");
  const auto first = key({});
  request_.set("x-a", "12v=1:3");
  request_.erase("x-b");
  request_.set("x-b", "");
  EXPECT_NE(first, key({}));
}

TEST_F(CacheKeyBuild, LongPartsAreHashedAndStillDistinct) {
  const std::string long_path = "/" + std::string(100'000, 'a');
  std::string other = long_path;
  other.back() = 'b';
  const auto a = key_of(route_, {.path = long_path}, ctx_);
  const auto b = key_of(route_, {.path = other}, ctx_);
  EXPECT_NE(a.key, b.key);
  EXPECT_LT(a.key.size(), 2 * kMaxKeyPartBytes);
  EXPECT_EQ(a.path_and_query, long_path);  // purge still sees the real path
  // A literal part that looks like a hash form is not the hash form.
  EXPECT_NE(key({.path = long_path}), key({.path = "#" + std::string(64, '0')}));
  // At the limit: literal.
  const std::string at_limit(kMaxKeyPartBytes, 'p');
  EXPECT_NE(key({.path = at_limit}).find(at_limit), std::string::npos);
}

TEST_F(CacheKeyBuild, UserPart) {
  route_.key = {"user"};
  ctx_.user = "alice";
  const auto alice = key({});
  ctx_.user = "bob";
  const auto bob = key({});
  ctx_.user.clear();
  const auto anonymous = key({});
  EXPECT_NE(alice, bob);
  EXPECT_NE(alice, anonymous);

  // Without `user` in the route's key, users share entries...
  route_.key.clear();
  ctx_.user = "alice";
  const auto shared_alice = key({});
  ctx_.user = "bob";
  EXPECT_EQ(shared_alice, key({}));
  // ...and a per-user key never equals the shared one, even for nobody.
  EXPECT_NE(shared_alice, anonymous);
}

TEST_F(CacheKeyBuild, ApiKeyIsKeyedButNeverInClear) {
  route_.key = {"api_key"};
  ctx_.api_key = "sk_live_secret";
  const auto a = key({});
  EXPECT_EQ(a.find("sk_live_secret"), std::string::npos);
  ctx_.api_key = "sk_live_other";
  EXPECT_NE(a, key({}));
}

// Two CAs may issue the same subject: keyed on the subject their clients
// share an entry, keyed on the fingerprint they never do.
TEST_F(CacheKeyBuild, TheCertificateFingerprintTellsSameSubjectsApart) {
  ctx_.client_cert = "CN=alice";
  ctx_.client_cert_sha256 = std::string(64, 'a');
  route_.key = {"client_cert"};
  const auto by_subject = key({});
  route_.key = {"client_cert_sha256"};
  const auto by_fingerprint = key({});
  ctx_.client_cert_sha256 = std::string(64, 'b');
  route_.key = {"client_cert"};
  EXPECT_EQ(by_subject, key({}));
  route_.key = {"client_cert_sha256"};
  EXPECT_NE(by_fingerprint, key({}));
  ctx_.client_cert_sha256.clear();  // no certificate
  EXPECT_NE(by_fingerprint, key({}));
}

TEST_F(CacheKeyBuild, HeaderAndCookieParts) {
  route_.key = {"header:accept-language", "cookie:tenant"};
  const auto absent = key({});
  request_.set("Accept-Language", "");
  const auto empty = key({});
  EXPECT_NE(absent, empty);
  request_.set("Accept-Language", "fr");
  const auto fr = key({});
  EXPECT_NE(fr, empty);
  request_.set(boost::beast::http::field::cookie, "a=1; tenant=acme; b=2");
  const auto acme = key({});
  EXPECT_NE(acme, fr);
  request_.set(boost::beast::http::field::cookie, " tenant=acme ;a=9");
  EXPECT_EQ(acme, key({}));  // other cookies do not matter
  request_.set(boost::beast::http::field::cookie, "xtenant=acme");
  EXPECT_EQ(fr, key({}));
}

TEST_F(CacheKeyBuild, ForwardedFieldsOnlyFromTrustedProxies) {
  const auto plain = key({});
  request_.set("X-Forwarded-Host", "evil.example");
  request_.set("X-Forwarded-Proto", "https");
  // An untrusted peer's values are replaced before the upstream sees them.
  EXPECT_EQ(plain, key({}));
  ctx_.peer_is_trusted_proxy = true;
  const auto trusted = key({});
  EXPECT_NE(plain, trusted);
  request_.erase("X-Forwarded-Host");
  const auto trusted_proto_only = key({});
  EXPECT_NE(trusted, trusted_proto_only);
  ctx_.peer_is_trusted_proxy = false;
  ctx_.tls = true;  // https either way: the upstream reads the same scheme
  EXPECT_EQ(trusted_proto_only, key({}));
}

TEST_F(CacheKeyBuild, RouteKeyListIsPartOfTheKey) {
  const auto none = key({});
  route_.key = {"host"};
  EXPECT_NE(none, key({}));
}

TEST(CacheKeyBypass, HeadersAndCookies) {
  config::CacheConfig route;
  route.bypass_headers = {"x-no-cache"};
  route.bypass_cookies = {"session"};
  RequestHead request;
  EXPECT_FALSE(should_bypass(route, request));
  request.set(boost::beast::http::field::cookie, "a=1; xsession=2; b=session");
  EXPECT_FALSE(should_bypass(route, request));
  request.insert(boost::beast::http::field::cookie, "theme=dark;  session=abc");
  EXPECT_TRUE(should_bypass(route, request));
  request.erase(boost::beast::http::field::cookie);
  request.set("X-No-Cache", "1");
  EXPECT_TRUE(should_bypass(route, request));
  EXPECT_FALSE(should_bypass(config::CacheConfig{}, request));
}

TEST(CacheKeyVary, ParsesNamesLowerCaseDeduplicated) {
  std::vector<std::string> names;
  bool star = false;
  EXPECT_TRUE(parse_vary("Accept-Encoding, accept-encoding ,User-Agent,,", names, star));
  EXPECT_EQ(names, (std::vector<std::string>{"accept-encoding", "user-agent"}));
  EXPECT_FALSE(star);
}

TEST(CacheKeyVary, Star) {
  std::vector<std::string> names;
  bool star = false;
  EXPECT_TRUE(parse_vary("Accept, *", names, star));
  EXPECT_TRUE(star);
}

TEST(CacheKeyVary, TooManyFieldsAreRefused) {
  std::vector<std::string> names;
  bool star = false;
  std::string value;
  for (std::size_t i = 0; i < kMaxVaryFields; ++i) value += "x-h" + std::to_string(i) + ",";
  EXPECT_TRUE(parse_vary(value, names, star));
  EXPECT_EQ(names.size(), kMaxVaryFields);
  names.clear();
  value += "x-one-more";
  EXPECT_FALSE(parse_vary(value, names, star));

  // Thousands of repeats of one name are one name.
  names.clear();
  std::string repeated;
  for (int i = 0; i < 10000; ++i) repeated += "Accept, ";
  EXPECT_TRUE(parse_vary(repeated, names, star));
  EXPECT_EQ(names.size(), 1u);
}

TEST(CacheKeyVary, RequestValueJoinsLinesAndDropsSpaceAroundCommas) {
  RequestHead request;
  request.insert("Accept-Language", " fr , en ;q=0.5");
  request.insert("Accept-Language", "de");
  EXPECT_EQ(vary_request_value("accept-language", request), "fr,en ;q=0.5,de");
  EXPECT_EQ(vary_request_value("x-absent", request), "");
}

TEST(CacheKeyVary, AcceptEncodingIsTheCodingTheGatewayWouldChoose) {
  RequestHead request;
  EXPECT_EQ(vary_request_value("accept-encoding", request), "identity");
  request.set("Accept-Encoding", "gzip, deflate, br");
  EXPECT_EQ(vary_request_value("accept-encoding", request), "br");
  request.set("Accept-Encoding", "br;q=0, gzip");
  EXPECT_EQ(vary_request_value("accept-encoding", request), "gzip");
  request.set("Accept-Encoding", "deflate");
  EXPECT_EQ(vary_request_value("accept-encoding", request), "identity");
}

TEST(CacheKeyVary, MatchesEquivalentRequests) {
  CacheEntry entry;
  entry.vary_names = {"accept-encoding", "accept-language"};
  RequestHead stored;
  stored.set("Accept-Encoding", "gzip, br");
  stored.set("Accept-Language", "fr, en");
  for (const auto& name : entry.vary_names) {
    entry.vary_values.push_back(vary_request_value(name, stored));
  }

  RequestHead same;
  same.set("Accept-Encoding", "br;q=1.0, gzip;q=0.8, deflate");  // still chooses br
  same.set("Accept-Language", "fr,en");
  EXPECT_TRUE(vary_matches(entry, same));

  RequestHead other;
  other.set("Accept-Encoding", "gzip");
  other.set("Accept-Language", "fr, en");
  EXPECT_FALSE(vary_matches(entry, other));

  RequestHead absent;
  absent.set("Accept-Encoding", "br");
  EXPECT_FALSE(vary_matches(entry, absent));

  CacheEntry no_vary;
  EXPECT_TRUE(vary_matches(no_vary, other));
  CacheEntry inconsistent;
  inconsistent.vary_names = {"accept"};
  EXPECT_FALSE(vary_matches(inconsistent, other));
}

TEST(CacheKeyVary, AnEntryInACodingTheClientRefusesDoesNotMatch) {
  // The origin chose deflate for a client that offered it; the normalised
  // Accept-Encoding ("gzip" for both) cannot tell the clients apart.
  CacheEntry entry;
  entry.vary_names = {"accept-encoding"};
  entry.vary_values = {"gzip"};
  entry.content_encoding = "deflate";
  RequestHead offered;
  offered.set("Accept-Encoding", "gzip, deflate");
  EXPECT_TRUE(vary_matches(entry, offered));
  RequestHead gzip_only;
  gzip_only.set("Accept-Encoding", "gzip");
  EXPECT_FALSE(vary_matches(entry, gzip_only));
  // Without Accept-Encoding any coding is acceptable (RFC 9110 §12.5.3).
  CacheEntry no_vary;
  no_vary.content_encoding = "gzip";
  EXPECT_TRUE(vary_matches(no_vary, RequestHead{}));
  RequestHead br_only;
  br_only.set("Accept-Encoding", "br");
  EXPECT_FALSE(vary_matches(no_vary, br_only));
  EXPECT_TRUE(vary_matches(no_vary, gzip_only));
}

TEST(CacheKeyVary, TheAcceptEncodingValueIsAStaticToken) {
  RequestHead request;
  EXPECT_EQ(accept_encoding_vary_value(request), "identity");
  request.insert("Accept-Encoding", "deflate");
  request.insert("Accept-Encoding", "br;q=0.5, gzip;q=0.4");  // two lines, joined
  EXPECT_EQ(accept_encoding_vary_value(request), "br");
  EXPECT_EQ(accept_encoding_vary_value(request), vary_request_value("accept-encoding", request));
}

TEST(CacheKeyVary, FieldsTheGatewayWritesPerRequestFitNoOtherRequest) {
  for (const char* name : {"x-forwarded-for", "x-request-id", "traceparent"}) {
    EXPECT_TRUE(varies_per_request(name)) << name;
  }
  for (const char* name : {"accept-encoding", "x-forwarded-proto", "cookie", "X-Forwarded-For"}) {
    EXPECT_FALSE(varies_per_request(name)) << name;  // names arrive lower-cased
  }
}

TEST(CacheKeyCredentials, EveryCredentialTheGatewayReadsCounts) {
  config::IdentityConfig identity;
  identity.api_keys.emplace();
  identity.jwt.emplace();
  identity.jwt->header = "x-auth-token";
  auto with = [](const char* name, const char* value) {
    RequestHead request;
    request.set(name, value);
    return request;
  };
  EXPECT_FALSE(carries_credentials(&identity, RequestHead{}));
  EXPECT_FALSE(carries_credentials(nullptr, with("X-Api-Key", "k")));
  EXPECT_TRUE(carries_credentials(nullptr, with("Authorization", "Basic eDp5")));
  EXPECT_TRUE(carries_credentials(nullptr, with("Proxy-Authorization", "Basic eDp5")));
  EXPECT_TRUE(carries_credentials(&identity, with("X-Api-Key", "")));  // present is enough
  EXPECT_TRUE(carries_credentials(&identity, with("X-Auth-Token", "not even a jwt")));
  EXPECT_FALSE(carries_credentials(&identity, with("Cookie", "session=abc")));
  identity.jwt->cookie = "session";
  EXPECT_TRUE(carries_credentials(&identity, with("Cookie", "theme=dark; session=abc")));
  EXPECT_FALSE(carries_credentials(&identity, with("Cookie", "theme=dark; sessionx=abc")));
  EXPECT_FALSE(carries_credentials(&identity, with("X-Auth-Token", "t"))) << "the cookie, not it";
}

TEST(CacheKeyCredentials, PerIdentityOnlyWithTheIdentityTheKeyNames) {
  RequestHead request;
  Asker ctx{request};
  config::CacheConfig route;
  ctx.user = "alice";
  ctx.api_key = "k";
  EXPECT_FALSE(keyed_per_identity(route, ctx.user, ctx.api_key));
  route.key = {"header:x-api-key"};
  EXPECT_FALSE(keyed_per_identity(route, ctx.user, ctx.api_key));
  route.key = {"user"};
  EXPECT_TRUE(keyed_per_identity(route, ctx.user, ctx.api_key));
  ctx.user.clear();  // a credential that named nobody: the anonymous key
  EXPECT_FALSE(keyed_per_identity(route, ctx.user, ctx.api_key));
  route.key = {"api_key"};
  EXPECT_TRUE(keyed_per_identity(route, ctx.user, ctx.api_key));
  ctx.api_key.clear();
  EXPECT_FALSE(keyed_per_identity(route, ctx.user, ctx.api_key));
}

}  // namespace
}  // namespace centinela::cache
