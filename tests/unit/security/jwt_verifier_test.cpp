#include "security/jwt_verifier.h"

#include <gtest/gtest.h>

#include <string>

#include "jwt_test_tokens.h"
#include "security/base64url.h"

namespace centinela::security {
namespace {

using testing::generate_ec;
using testing::generate_rsa;
using testing::hs256_token;
using testing::public_pem;
using testing::rs256_token;

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kSecret = "an-hs256-secret-of-at-least-32-bytes!";

config::JwtConfig hs256_config() {
  config::JwtConfig config;
  config.hs256_secret = kSecret;
  config.leeway = std::chrono::seconds(30);
  return config;
}

std::string claims(std::string_view extra, std::int64_t exp = kNow + 600) {
  std::string json = R"({"sub":"alice","exp":)" + std::to_string(exp);
  if (!extra.empty()) json += "," + std::string(extra);
  return json + "}";
}

// Verifies and returns the error, checking that `subject` is only set on success.
JwtError check(const JwtVerifier& verifier, std::string_view token,
               std::string* subject_out = nullptr, std::int64_t now = kNow) {
  std::string subject = "(unchanged)";
  const JwtError error = verifier.verify(token, now, subject);
  if (error != JwtError::none) {
    EXPECT_EQ(subject, "(unchanged)");
  }
  if (subject_out) *subject_out = subject;
  return error;
}

TEST(JwtVerifierTest, AcceptsAValidHs256Token) {
  JwtVerifier verifier(hs256_config());
  std::string subject;
  EXPECT_EQ(check(verifier, hs256_token(claims(""), kSecret), &subject), JwtError::none);
  EXPECT_EQ(subject, "alice");
}

TEST(JwtVerifierTest, RefusesAWrongSignature) {
  JwtVerifier verifier(hs256_config());
  EXPECT_EQ(check(verifier, hs256_token(claims(""), "another-secret-of-at-least-32-bytes!")),
            JwtError::bad_signature);
}

TEST(JwtVerifierTest, RefusesAChangedPayload) {
  JwtVerifier verifier(hs256_config());
  const std::string token = hs256_token(claims(""), kSecret);
  const std::string signature = token.substr(token.rfind('.'));
  const std::string forged = encode_base64url(R"({"alg":"HS256"})") + "." +
                             encode_base64url(R"({"sub":"admin","exp":1800000000})") + signature;
  EXPECT_EQ(check(verifier, forged), JwtError::bad_signature);
  // A shorter signature is refused before any comparison.
  const std::string input = token.substr(0, token.rfind('.') + 1);
  EXPECT_EQ(check(verifier, input + encode_base64url(std::string(31, 'x'))),
            JwtError::bad_signature);
  EXPECT_NE(check(verifier, token.substr(0, token.size() - 4)), JwtError::none);
}

TEST(JwtVerifierTest, ExpiryHonoursTheLeeway) {
  JwtVerifier verifier(hs256_config());
  EXPECT_EQ(check(verifier, hs256_token(claims("", kNow - 31), kSecret)), JwtError::expired);
  EXPECT_EQ(check(verifier, hs256_token(claims("", kNow - 30), kSecret)), JwtError::expired);
  EXPECT_EQ(check(verifier, hs256_token(claims("", kNow - 29), kSecret)), JwtError::none);

  config::JwtConfig strict = hs256_config();
  strict.leeway = {};
  JwtVerifier no_leeway(strict);
  EXPECT_EQ(check(no_leeway, hs256_token(claims("", kNow), kSecret)), JwtError::expired);
  EXPECT_EQ(check(no_leeway, hs256_token(claims("", kNow + 1), kSecret)), JwtError::none);
}

TEST(JwtVerifierTest, NotBeforeHonoursTheLeeway) {
  JwtVerifier verifier(hs256_config());
  EXPECT_EQ(check(verifier, hs256_token(claims("\"nbf\":" + std::to_string(kNow + 31)), kSecret)),
            JwtError::not_yet_valid);
  EXPECT_EQ(check(verifier, hs256_token(claims("\"nbf\":" + std::to_string(kNow + 30)), kSecret)),
            JwtError::none);
  EXPECT_EQ(check(verifier, hs256_token(claims("\"nbf\":" + std::to_string(kNow - 100)), kSecret)),
            JwtError::none);
}

TEST(JwtVerifierTest, RefusesAlgNone) {
  JwtVerifier verifier(hs256_config());
  const std::string unsigned_input =
      encode_base64url(R"({"alg":"none"})") + "." + encode_base64url(claims(""));
  EXPECT_EQ(check(verifier, unsigned_input + "."), JwtError::malformed);
  EXPECT_EQ(check(verifier, unsigned_input + ".AAAA"), JwtError::unsupported_algorithm);
  for (const char* header : {R"({"alg":"None"})", R"({"alg":"NONE"})", R"({"alg":"nOnE"})"}) {
    EXPECT_EQ(check(verifier, hs256_token(claims(""), kSecret, header)),
              JwtError::unsupported_algorithm)
        << header;
  }
}

TEST(JwtVerifierTest, RefusesOtherAlgorithms) {
  JwtVerifier verifier(hs256_config());
  for (const char* header :
       {R"({"alg":"HS512"})", R"({"alg":"HS384"})", R"({"alg":"hs256"})", R"({"alg":"ES256"})",
        R"({"alg":"RS256"})", R"({"typ":"JWT"})", R"({"alg":256})", R"({"alg":["HS256"]})",
        R"({"alg":"HS256","crit":["exp"]})"}) {
    EXPECT_EQ(check(verifier, hs256_token(claims(""), kSecret, header)),
              JwtError::unsupported_algorithm)
        << header;
  }
}

TEST(JwtVerifierTest, IgnoresKid) {
  JwtVerifier verifier(hs256_config());
  EXPECT_EQ(check(verifier,
                  hs256_token(claims(""), kSecret, R"({"alg":"HS256","kid":"../../etc/passwd"})")),
            JwtError::none);
}

TEST(JwtVerifierTest, RefusesGarbage) {
  JwtVerifier verifier(hs256_config());
  const std::string good = hs256_token(claims(""), kSecret);
  const std::string header = good.substr(0, good.find('.'));
  for (const std::string& token : std::vector<std::string>{
           "", ".", "..", "...", "abc", "a.b", "a.b.c.d", good + ".", "." + good, header + "..sig",
           good.substr(0, good.find('.')) + "=.x.y", "eyJ!.e30.AAAA",
           "e30.e30.AAAA",  // {} has no alg
           encode_base64url("not json") + ".e30.AAAA", encode_base64url("[1,2]") + ".e30.AAAA",
           encode_base64url(R"({"alg":"HS256"} trailing)") + ".e30.AAAA", std::string(100, '.'),
           "\x01\x02\x03.\xff\xfe.\x80"}) {
    EXPECT_NE(check(verifier, token), JwtError::none) << token;
  }
  // Base64 padding and the standard alphabet are not base64url.
  std::string padded = good;
  padded.insert(padded.find('.'), "=");
  EXPECT_EQ(check(verifier, padded), JwtError::malformed);
}

TEST(JwtVerifierTest, RefusesPayloadsThatAreNotObjects) {
  JwtVerifier verifier(hs256_config());
  for (const char* payload : {"[]", "\"alice\"", "42", "null", "{", "{\"sub\":\"a\",}"}) {
    EXPECT_EQ(check(verifier, hs256_token(payload, kSecret)), JwtError::malformed) << payload;
  }
  std::string deep = R"({"sub":"alice","exp":1800000000,"x":)" + std::string(100, '[') +
                     std::string(100, ']') + "}";
  EXPECT_EQ(check(verifier, hs256_token(deep, kSecret)), JwtError::malformed);
}

TEST(JwtVerifierTest, RefusesOversizedTokensBeforeDecoding) {
  JwtVerifier verifier(hs256_config());
  const std::string padding(JwtVerifier::kMaxTokenBytes, 'a');
  const std::string big = hs256_token(claims("\"pad\":\"" + padding + "\""), kSecret);
  EXPECT_EQ(check(verifier, big), JwtError::too_large);
  EXPECT_EQ(check(verifier, std::string(1 << 20, 'A')), JwtError::too_large);
  // Just under the bound still works.
  const std::string fits =
      hs256_token(claims("\"pad\":\"" + std::string(5500, 'a') + "\""), kSecret);
  ASSERT_LE(fits.size(), JwtVerifier::kMaxTokenBytes);
  EXPECT_EQ(check(verifier, fits), JwtError::none);
}

TEST(JwtVerifierTest, RefusesAbsurdTimes) {
  JwtVerifier verifier(hs256_config());
  for (const char* exp :
       {"-1", "-9223372036854775808", "9223372036854775807", "18446744073709551615",
        "99999999999999999999999", "1e300", "1e1000", "-1e1000", "1800000000.5", "253402300800",
        "\"1800000000\"", "true", "null", "{}", "[1800000000]"}) {
    const std::string payload = std::string(R"({"sub":"alice","exp":)") + exp + "}";
    EXPECT_NE(check(verifier, hs256_token(payload, kSecret)), JwtError::none) << exp;
  }
  EXPECT_EQ(check(verifier, hs256_token(R"({"sub":"alice"})", kSecret)), JwtError::bad_time);
  EXPECT_EQ(check(verifier, hs256_token(R"({"sub":"alice","exp":1e300})", kSecret)),
            JwtError::bad_time);
  // The last second of year 9999 is a real date; an integral double is too.
  EXPECT_EQ(check(verifier, hs256_token(R"({"sub":"alice","exp":253402300799})", kSecret)),
            JwtError::none);
  EXPECT_EQ(check(verifier, hs256_token(R"({"sub":"alice","exp":1.8e9})", kSecret)),
            JwtError::none);
  EXPECT_EQ(check(verifier, hs256_token(claims("\"nbf\":-5"), kSecret)), JwtError::bad_time);
  EXPECT_NE(check(verifier, hs256_token(claims("\"nbf\":1e400"), kSecret)), JwtError::none);
}

TEST(JwtVerifierTest, RequiresASaneSubject) {
  JwtVerifier verifier(hs256_config());
  const std::string exp = std::to_string(kNow + 60);
  for (const std::string& payload :
       {R"({"exp":)" + exp + "}", R"({"sub":"","exp":)" + exp + "}",
        R"({"sub":42,"exp":)" + exp + "}", R"({"sub":null,"exp":)" + exp + "}",
        R"({"sub":"a\nb","exp":)" + exp + "}", R"({"sub":"a\u0000b","exp":)" + exp + "}",
        R"({"sub":"a\u007fb","exp":)" + exp + "}",
        R"({"sub":")" + std::string(257, 'x') + R"(","exp":)" + exp + "}"}) {
    EXPECT_EQ(check(verifier, hs256_token(payload, kSecret)), JwtError::bad_subject) << payload;
  }
  std::string subject;
  EXPECT_EQ(
      check(verifier,
            hs256_token(R"({"sub":")" + std::string(256, 'x') + R"(","exp":)" + exp + "}", kSecret),
            &subject),
      JwtError::none);
  EXPECT_EQ(subject.size(), 256u);
  EXPECT_EQ(
      check(verifier, hs256_token(R"({"sub":"jos\u00e9","exp":)" + exp + "}", kSecret), &subject),
      JwtError::none);
  EXPECT_EQ(subject, "jos\xc3\xa9");
}

TEST(JwtVerifierTest, ChecksIssuerAndAudience) {
  config::JwtConfig config = hs256_config();
  config.issuer = "https://auth.example";
  config.audience = "api";
  JwtVerifier verifier(config);
  const std::string iss = R"("iss":"https://auth.example")";
  EXPECT_EQ(check(verifier, hs256_token(claims(iss + R"(,"aud":"api")"), kSecret)), JwtError::none);
  EXPECT_EQ(check(verifier, hs256_token(claims(iss + R"(,"aud":["web","api"])"), kSecret)),
            JwtError::none);
  EXPECT_EQ(check(verifier, hs256_token(claims(iss + R"(,"aud":["web"])"), kSecret)),
            JwtError::wrong_audience);
  EXPECT_EQ(check(verifier, hs256_token(claims(iss + R"(,"aud":"apis")"), kSecret)),
            JwtError::wrong_audience);
  EXPECT_EQ(check(verifier, hs256_token(claims(iss + R"(,"aud":[1,null])"), kSecret)),
            JwtError::wrong_audience);
  EXPECT_EQ(check(verifier, hs256_token(claims(iss), kSecret)), JwtError::wrong_audience);
  EXPECT_EQ(check(verifier, hs256_token(claims(R"("iss":"https://evil","aud":"api")"), kSecret)),
            JwtError::wrong_issuer);
  EXPECT_EQ(check(verifier, hs256_token(claims(R"("aud":"api")"), kSecret)),
            JwtError::wrong_issuer);

  // Unconfigured, neither is looked at.
  JwtVerifier open(hs256_config());
  EXPECT_EQ(check(open, hs256_token(claims(R"("iss":"x","aud":["y"])"), kSecret)), JwtError::none);
}

TEST(JwtVerifierTest, VerifiesRs256WithAGeneratedKeyPair) {
  auto key = generate_rsa();
  config::JwtConfig config;
  config.rs256_public_key_pem = public_pem(key.get());
  JwtVerifier verifier(config);
  ASSERT_TRUE(verifier.accepts_rs256());
  EXPECT_FALSE(verifier.accepts_hs256());

  std::string subject;
  EXPECT_EQ(check(verifier, rs256_token(claims(""), key.get()), &subject), JwtError::none);
  EXPECT_EQ(subject, "alice");

  auto other = generate_rsa();
  EXPECT_EQ(check(verifier, rs256_token(claims(""), other.get())), JwtError::bad_signature);
  EXPECT_EQ(check(verifier, rs256_token(claims("", kNow - 3600), key.get())), JwtError::expired);
  // HS256 signed with the public key text (the classic confusion attack).
  EXPECT_EQ(check(verifier, hs256_token(claims(""), config.rs256_public_key_pem)),
            JwtError::unsupported_algorithm);
  const std::string token = rs256_token(claims(""), key.get());
  const std::string input = token.substr(0, token.rfind('.') + 1);
  EXPECT_EQ(check(verifier, input + encode_base64url(std::string(255, 'x'))),
            JwtError::bad_signature);
  EXPECT_EQ(check(verifier, input + encode_base64url(std::string(256, 'x'))),
            JwtError::bad_signature);
  EXPECT_NE(check(verifier, token.substr(0, token.size() - 8)), JwtError::none);
}

TEST(JwtVerifierTest, BothAlgorithmsWhenBothKeysAreGiven) {
  auto key = generate_rsa();
  config::JwtConfig config = hs256_config();
  config.rs256_public_key_pem = public_pem(key.get());
  JwtVerifier verifier(config);
  EXPECT_EQ(check(verifier, rs256_token(claims(""), key.get())), JwtError::none);
  EXPECT_EQ(check(verifier, hs256_token(claims(""), kSecret)), JwtError::none);
  // An RS256 header on an HMAC signature does not pass.
  EXPECT_EQ(check(verifier, hs256_token(claims(""), kSecret, R"({"alg":"RS256"})")),
            JwtError::bad_signature);
}

TEST(JwtVerifierTest, AKeyOpenSslCannotUseRefusesRs256) {
  config::JwtConfig config;
  config.rs256_public_key_pem = public_pem(generate_ec().get());
  JwtVerifier ec(config);
  EXPECT_FALSE(ec.accepts_rs256());
  config.rs256_public_key_pem = "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n";
  JwtVerifier garbage(config);
  EXPECT_FALSE(garbage.accepts_rs256());
  auto key = generate_rsa();
  EXPECT_EQ(check(garbage, rs256_token(claims(""), key.get())), JwtError::unsupported_algorithm);
}

TEST(JwtVerifierTest, DescriptionsNeverEchoTheToken) {
  for (JwtError error :
       {JwtError::too_large, JwtError::malformed, JwtError::unsupported_algorithm,
        JwtError::bad_signature, JwtError::bad_time, JwtError::expired, JwtError::not_yet_valid,
        JwtError::wrong_issuer, JwtError::wrong_audience, JwtError::bad_subject}) {
    EXPECT_FALSE(describe(error).empty());
    EXPECT_EQ(describe(error).find('"'), std::string_view::npos);  // safe in a challenge
  }
}

}  // namespace
}  // namespace centinela::security
