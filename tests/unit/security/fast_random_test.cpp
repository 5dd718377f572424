#include "security/fast_random.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace centinela::security {
namespace {

std::string random_hex(std::size_t count) {
  std::string out(count + 2, '#');
  fill_random_hex(out.data() + 1, count);
  EXPECT_EQ(out.front(), '#') << "wrote before its start";
  EXPECT_EQ(out.back(), '#') << "wrote past its end";
  return out.substr(1, count);
}

TEST(FillRandomHex, WritesExactlyCountLowerCaseHexDigits) {
  for (std::size_t count : {0u, 1u, 7u, 15u, 16u, 17u, 31u, 32u, 48u, 55u}) {
    const std::string hex = random_hex(count);
    ASSERT_EQ(hex.size(), count);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  }
}

// Every digit turns up in every position of a 32-digit id (a request id, a
// trace id): no digit is stuck or missing from the alphabet.
TEST(FillRandomHex, EveryDigitAppearsInEveryPosition) {
  std::set<char> seen[32];
  for (int i = 0; i < 2000; ++i) {
    const std::string hex = random_hex(32);
    for (std::size_t at = 0; at < hex.size(); ++at) seen[at].insert(hex[at]);
  }
  for (std::size_t at = 0; at < 32; ++at) EXPECT_EQ(seen[at].size(), 16u) << "position " << at;
}

TEST(FillRandomHex, IdsDoNotRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(random_hex(32));
  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace centinela::security
