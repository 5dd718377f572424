// Bearer tokens as any client may send them, against an HS256 key: whatever
// the bytes, verification ends, and a token is accepted only with a subject
// that is short and free of control characters.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "security/jwt_verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela;
  static const security::JwtVerifier verifier([] {
    config::JwtConfig config;
    config.hs256_secret = "fuzzing-secret-fuzzing-secret-32";
    return config;
  }());
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  std::string subject;
  const security::JwtError error = verifier.verify(token, /*now=*/1'800'000'000, subject);
  if (error == security::JwtError::none) {
    fuzz_check(!subject.empty() && subject.size() <= security::JwtVerifier::kMaxSubjectBytes,
               "accepted subject of a bad size");
    for (unsigned char c : subject) fuzz_check(c >= 0x20 && c != 0x7f, "control character in sub");
  } else {
    fuzz_check(subject.empty(), "subject set on a refused token");
  }
  return 0;
}
