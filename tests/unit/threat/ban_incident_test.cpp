#include "threat/ban_incident.h"

#include <gtest/gtest.h>

#include <string>

#include "observe/incident_id.h"

namespace centinela::threat {
namespace {

constexpr std::int64_t kUntil = 1'800'000'000'123'456'789;  // ns

std::string id_of(const ClientKey& client, int level, std::int64_t until_ns) {
  return std::string(ban_incident_id(client, BanState{level, until_ns, 12}).view());
}

TEST(BanIncidentId, IsTheSameForTheSameBanWhateverItsScoreOrSubMillisecondEnd) {
  const std::string id = id_of(ClientKey::ip("203.0.113.5"), 1, kUntil);
  ASSERT_EQ(id.size(), observe::kIncidentIdSize);
  EXPECT_TRUE(id.starts_with("inc_"));
  EXPECT_EQ(
      std::string(ban_incident_id(ClientKey::ip("203.0.113.5"), BanState{1, kUntil, 99}).view()),
      id);
  // Another instance learns the end in milliseconds only.
  EXPECT_EQ(id_of(ClientKey::ip("203.0.113.5"), 1, kUntil / 1'000'000 * 1'000'000), id);
  std::chrono::system_clock::time_point when;
  ASSERT_TRUE(observe::incident_id_time(id, when));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count(),
            kUntil / 1'000'000);
}

TEST(BanIncidentId, DiffersForAnotherClientLevelEndOrKind) {
  const std::string id = id_of(ClientKey::ip("203.0.113.5"), 1, kUntil);
  EXPECT_NE(id_of(ClientKey::ip("203.0.113.6"), 1, kUntil), id);
  EXPECT_NE(id_of(ClientKey::ip("203.0.113.5"), 2, kUntil), id);
  EXPECT_NE(id_of(ClientKey::ip("203.0.113.5"), 1, kUntil + 1'000'000), id);
  EXPECT_NE(id_of(ClientKey::user("203.0.113.5"), 1, kUntil), id);
  // The random part too, not only the time part.
  EXPECT_NE(id_of(ClientKey::ip("203.0.113.6"), 1, kUntil).substr(14), id.substr(14));
}

}  // namespace
}  // namespace centinela::threat
