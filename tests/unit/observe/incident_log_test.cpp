// Incident records: the line's fields, excerpts bounded, escaped and
// redacted, the admin ring, ids, and the lines reaching their own file or
// the access log's, through the access log's writer.
#include "observe/incident_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "observe/access_log.h"
#include "observe/incident_id.h"

namespace centinela::observe {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

json::object parse(std::string_view line) {
  json::error_code ec;
  json::value value = json::parse(line, ec);
  EXPECT_FALSE(ec) << line;
  return ec ? json::object() : value.as_object();
}

struct Sample {
  std::vector<std::string_view> tags = {"attack-sqli", "paranoia-level/1"};
  std::vector<IncidentFinding> findings;
  IncidentRecord record;

  Sample() {
    IncidentFinding finding;
    finding.rule = 942100;
    finding.source = "crs";
    finding.msg = "SQL Injection Attack Detected via libinjection";
    finding.tags = tags;
    finding.severity = "CRITICAL";
    finding.score = 5;
    finding.target = "ARGS:json.q";
    finding.excerpt = "1' OR '1'='1";
    findings.push_back(finding);
    record.ts = std::chrono::system_clock::time_point(1'700'000'000'123ms);
    record.incident_id = "inc_01HF0000000000000000000000";
    record.request_id = "req-1";
    record.client_ip = "192.0.2.7";
    record.route = "api";
    record.method = "POST";
    record.path = "/login";
    record.action = "blocked";
    record.mode = "block";
    record.score = 5;
    record.threshold = 5;
    record.paranoia = 1;
    record.findings = findings;
    record.findings_total = 1;
  }
};

std::string line_of(const IncidentRecord& record, const IncidentFormat& format = {}) {
  std::string out;
  append_incident_line(out, record, format);
  EXPECT_TRUE(out.ends_with("\n"));
  return out;
}

TEST(IncidentLine, HasEveryFieldOfThePlan) {
  Sample sample;
  const json::object line = parse(line_of(sample.record));
  EXPECT_EQ(line.at("ts"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(line.at("incident_id"), "inc_01HF0000000000000000000000");
  EXPECT_EQ(line.at("request_id"), "req-1");
  EXPECT_EQ(line.at("client_ip"), "192.0.2.7");
  EXPECT_TRUE(line.at("user").is_null());
  EXPECT_EQ(line.at("route"), "api");
  EXPECT_EQ(line.at("method"), "POST");
  EXPECT_EQ(line.at("path"), "/login");
  EXPECT_EQ(line.at("action"), "blocked");
  EXPECT_EQ(line.at("mode"), "block");
  EXPECT_EQ(line.at("score"), 5);
  EXPECT_EQ(line.at("threshold"), 5);
  EXPECT_EQ(line.at("paranoia"), 1);
  EXPECT_EQ(line.at("findings_total"), 1);
  EXPECT_FALSE(line.contains("ban"));
  EXPECT_FALSE(line.contains("log"));
  const json::object& finding = line.at("findings").as_array().at(0).as_object();
  EXPECT_EQ(finding.at("rule"), 942100);
  EXPECT_EQ(finding.at("source"), "crs");
  EXPECT_EQ(finding.at("severity"), "CRITICAL");
  EXPECT_EQ(finding.at("score"), 5);
  EXPECT_EQ(finding.at("target"), "ARGS:json.q");
  EXPECT_EQ(finding.at("excerpt"), "1' OR '1'='1");
  EXPECT_EQ(finding.at("tags").as_array().size(), 2u);
  EXPECT_FALSE(finding.contains("decoded"));
}

TEST(IncidentLine, ABanAndADecodedFinding) {
  Sample sample;
  sample.findings[0].decoded = "base64";
  sample.record.findings = sample.findings;
  sample.record.action = "banned";
  sample.record.ban = IncidentBan{2, std::chrono::system_clock::time_point(1'700'000'600'000ms)};
  const json::object line = parse(line_of(sample.record));
  EXPECT_EQ(line.at("ban").at("level"), 2);
  EXPECT_EQ(line.at("ban").at("until"), "2023-11-14T22:23:20.000Z");
  EXPECT_EQ(line.at("findings").as_array().at(0).at("decoded"), "base64");
}

TEST(IncidentLine, ExcerptsAreBoundedEscapedAndRedacted) {
  Sample sample;
  const std::string long_text = "\x01\x1b[31m" + std::string(100, 'a') + "\xC3\xA9";
  sample.findings[0].excerpt = long_text;
  sample.record.findings = sample.findings;
  IncidentFormat format;
  format.excerpt_bytes = 8;
  const std::string text = line_of(sample.record, format);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);  // control bytes escaped
  EXPECT_EQ(parse(text).at("findings").as_array().at(0).at("excerpt"), "\x01\x1b[31maa");
  // A multi-byte character is not cut in half.
  sample.findings[0].excerpt = "ab\xC3\xA9";
  sample.record.findings = sample.findings;
  format.excerpt_bytes = 3;
  EXPECT_EQ(parse(line_of(sample.record, format)).at("findings").as_array().at(0).at("excerpt"),
            "ab");
  // log.redact names: parameters (also the last part of a JSON name), headers, cookies.
  format.excerpt_bytes = 64;
  format.redact_query_params = {"password"};
  format.redact_headers = {"authorization", "cookie"};
  for (std::string_view target :
       {"ARGS:password", "ARGS_POST:password", "ARGS:json.user.password", "ARGS:password#b64",
        "REQUEST_HEADERS:Authorization", "REQUEST_COOKIES:session"}) {
    sample.findings[0].target = target;
    sample.record.findings = sample.findings;
    EXPECT_EQ(parse(line_of(sample.record, format)).at("findings").as_array().at(0).at("excerpt"),
              "[redacted]")
        << target;
  }
  sample.findings[0].target = "ARGS:q";
  sample.findings[0].excerpt = "1' OR '1'='1";
  sample.record.findings = sample.findings;
  EXPECT_EQ(parse(line_of(sample.record, format)).at("findings").as_array().at(0).at("excerpt"),
            "1' OR '1'='1");
}

TEST(IncidentLine, AtMostEightFindingsListed) {
  Sample sample;
  std::vector<IncidentFinding> many(12, sample.findings[0]);
  sample.record.findings = many;
  sample.record.findings_total = 12;
  const json::object line = parse(line_of(sample.record));
  EXPECT_EQ(line.at("findings").as_array().size(), 8u);
  EXPECT_EQ(line.at("findings_total"), 12);
}

TEST(IncidentLine, ExcerptAroundTheMatch) {
  const std::string value = std::string(40, 'x') + "UNION SELECT" + std::string(40, 'y');
  EXPECT_EQ(excerpt_around(value, 40, 52, 64),
            std::string(16, 'x') + "UNION SELECT" + std::string(16, 'y'));
  // A small bound keeps the match's start.
  EXPECT_EQ(excerpt_around(value, 40, 52, 8), "xxUNION ");
  EXPECT_EQ(excerpt_around("abc", 1, 2, 64), "abc");
  EXPECT_EQ(excerpt_around("abc", 10, 20, 64), "abc");  // a match past the end: the tail
}

TEST(IncidentId, TimeOrderedBase32) {
  const auto now = std::chrono::system_clock::time_point(1'700'000'000'123ms);
  const IncidentId a = new_incident_id(now);
  const IncidentId b = new_incident_id(now + 1ms);
  EXPECT_EQ(a.view().size(), 30u);
  EXPECT_TRUE(a.view().starts_with("inc_"));
  EXPECT_LT(a.view(), b.view());
  EXPECT_EQ(a.view().find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 4),
            std::string_view::npos);
  std::chrono::system_clock::time_point decoded;
  ASSERT_TRUE(incident_id_time(a.view(), decoded));
  EXPECT_EQ(decoded, now);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(std::string(new_incident_id(now).view()));
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_FALSE(incident_id_time("inc_short", decoded));
}

TEST(IncidentRing, NewestFirstFilteredAndBounded) {
  IncidentLog log;
  Sample sample;
  for (int i = 0; i < 1005; ++i) {
    const std::string request_id = "r" + std::to_string(i);
    sample.record.request_id = request_id;
    sample.record.client_ip = i % 2 == 0 ? "192.0.2.1" : "192.0.2.2";
    sample.record.route = i % 3 == 0 ? "a" : "b";
    log.record(sample.record);
  }
  json::array all = json::parse(log.recent_json(1000, "", "")).at("incidents").as_array();
  ASSERT_EQ(all.size(), 1000u);
  EXPECT_EQ(all.at(0).at("request_id"), "r1004");
  EXPECT_EQ(all.at(999).at("request_id"), "r5");
  json::array two = json::parse(log.recent_json(2, "192.0.2.2", "")).at("incidents").as_array();
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two.at(0).at("request_id"), "r1003");
  EXPECT_EQ(two.at(1).at("request_id"), "r1001");
  json::array routed = json::parse(log.recent_json(1, "192.0.2.1", "a")).at("incidents").as_array();
  ASSERT_EQ(routed.size(), 1u);
  EXPECT_EQ(routed.at(0).at("request_id"), "r1002");
}

class IncidentFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/centinela-incidents-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::string dir_;
};

TEST_F(IncidentFiles, OwnFileBesideTheAccessLog) {
  const config::Config config = [&] {
    config::LoadResult loaded =
        config::load_string("log: {access: " + dir_ + "/access.log}\n", "t.yaml");
    return *loaded.config;
  }();
  ASSERT_EQ(config.waf.incident_log.path, dir_ + "/incidents.log");
  AccessLog writer(config.log, config.waf.incident_log);
  IncidentLog log;
  log.configure(config.waf, config.log, &writer);
  Sample sample;
  log.record(sample.record);
  writer.flush();
  const std::vector<std::string> lines = read_lines(dir_ + "/incidents.log");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(parse(lines[0]).at("incident_id"), "inc_01HF0000000000000000000000");
  EXPECT_FALSE(parse(lines[0]).contains("log"));
  EXPECT_TRUE(read_lines(dir_ + "/access.log").empty());
  log.detach();
}

TEST_F(IncidentFiles, SharedWithTheAccessLogAreMarked) {
  config::LogConfig log_config;
  log_config.access.path = dir_ + "/all.log";
  config::WafConfig waf;
  waf.incident_log.path = log_config.access.path;
  AccessLog writer(log_config, waf.incident_log);
  IncidentLog log;
  log.configure(waf, log_config, &writer);
  Sample sample;
  log.record(sample.record);
  writer.flush();
  const std::vector<std::string> lines = read_lines(dir_ + "/all.log");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(parse(lines[0]).at("log"), "incident");
  // The admin view is unmarked.
  EXPECT_FALSE(json::parse(log.recent_json(1, "", ""))
                   .at("incidents")
                   .as_array()
                   .at(0)
                   .as_object()
                   .contains("log"));
  log.detach();
}

}  // namespace
}  // namespace centinela::observe
