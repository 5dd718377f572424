// The request view beyond the oracle: what the head alone gives, a cut body,
// the bound on arguments, the client's target as sent, names of collections;
// and the metrics' rule groups.
#include "waf/request_view.h"

#include <gtest/gtest.h>

#include <string>

#include "observe/metrics.h"
#include "stage/request_context.h"
#include "waf/waf_metrics.h"

namespace centinela::waf {
namespace {

namespace http = boost::beast::http;

struct Exchange {
  http::request_header<http::fields> head;
  stage::Arena arena;
  stage::RequestContext ctx{head, arena};
  RequestView view{arena};

  Exchange(std::string_view method, std::string_view target,
           std::initializer_list<std::pair<std::string_view, std::string_view>> headers = {}) {
    head.method_string(method);
    head.target(target);
    head.version(11);
    for (const auto& [name, value] : headers) head.insert(name, value);
    ctx.client_ip = "198.51.100.4";
  }
};

TEST(RequestView, TheHeadAlone) {
  Exchange x("GET", "/search?q=%27&q=2",
             {{"Host", "example.com"}, {"Content-Type", "application/json"}});
  x.view.add_head(x.ctx);
  EXPECT_EQ(x.view.value(Collection::request_line), "GET /search?q=%27&q=2 HTTP/1.1");
  EXPECT_EQ(x.view.value(Collection::request_protocol), "HTTP/1.1");
  EXPECT_EQ(x.view.value(Collection::remote_addr), "198.51.100.4");
  EXPECT_EQ(x.view.value(Collection::reqbody_processor), "JSON");
  EXPECT_EQ(x.view.body_processor(), BodyProcessor::json);
  ASSERT_EQ(x.view.get(Collection::args_get).size(), 2u);
  EXPECT_EQ(x.view.get(Collection::args_get)[0].value, "'");
  EXPECT_EQ(x.view.value(Collection::args_combined_size), "4.000000");
  // The body phase has not run: no REQBODY_ERROR yet.
  EXPECT_TRUE(x.view.get(Collection::reqbody_error).empty());
  x.view.add_body({}, true);
  EXPECT_EQ(x.view.value(Collection::reqbody_error), "0");
  EXPECT_TRUE(x.view.get(Collection::request_body).empty());
}

TEST(RequestView, TheTargetAsTheClientSentIt) {
  Exchange x("GET", "/etc/passwd");
  x.ctx.target_as_sent = "/static/%2e%2e/%2e%2e/etc/passwd";
  x.view.add_head(x.ctx);
  EXPECT_EQ(x.view.value(Collection::request_uri_raw), "/static/%2e%2e/%2e%2e/etc/passwd");
  EXPECT_EQ(x.view.value(Collection::request_filename), "/static/../../etc/passwd");
}

TEST(RequestView, ACutBodyIsInspectedAsFarAsItGoes) {
  Exchange x("POST", "/api", {{"Content-Type", "application/json"}});
  x.view.add_head(x.ctx);
  x.view.add_body(R"({"name":"x","q":"1' UNION SEL)", false);
  EXPECT_TRUE(x.view.body_truncated());
  EXPECT_FALSE(x.view.body_error());
  ASSERT_EQ(x.view.get(Collection::args).size(), 2u);
  EXPECT_EQ(x.view.get(Collection::args)[1].name, "json.q");
  EXPECT_EQ(x.view.get(Collection::args)[1].value, "1' UNION SEL");
  EXPECT_TRUE(x.view.get(Collection::args_post).empty());  // JSON: ARGS only
  EXPECT_EQ(x.view.value(Collection::request_body), R"({"name":"x","q":"1' UNION SEL)");
}

TEST(RequestView, MalformedBodiesAreBodyErrors) {
  Exchange x("POST", "/api", {{"Content-Type", "application/json"}});
  x.view.add_head(x.ctx);
  x.view.add_body(R"({"a":)", true);
  EXPECT_TRUE(x.view.body_error());
  EXPECT_EQ(x.view.value(Collection::reqbody_error), "1");
  EXPECT_TRUE(x.view.value(Collection::reqbody_error_msg).starts_with("JSON parsing error: "));
}

TEST(RequestView, ArgumentsAreBounded) {
  std::string query = "/?";
  for (int i = 0; i < 10; ++i) query += "a=1&";
  Exchange x("POST", query, {{"Content-Type", "application/x-www-form-urlencoded"}});
  ViewLimits limits;
  limits.max_arguments = 12;
  RequestView view(x.arena, limits);
  view.add_head(x.ctx);
  EXPECT_FALSE(view.arguments_limited());
  view.add_body("b=1&b=2&b=3", true);
  EXPECT_TRUE(view.arguments_limited());
  EXPECT_EQ(view.get(Collection::args).size(), 12u);
  EXPECT_EQ(view.get(Collection::args_post).size(), 2u);
}

TEST(RequestView, BodyProcessorsByContentType) {
  EXPECT_EQ(body_processor_for("application/json; charset=utf-8"), BodyProcessor::json);
  EXPECT_EQ(body_processor_for("application/problem+json"), BodyProcessor::json);
  EXPECT_EQ(body_processor_for("Multipart/Form-Data; boundary=x"), BodyProcessor::multipart);
  EXPECT_EQ(body_processor_for("application/x-www-form-urlencoded"), BodyProcessor::urlencoded);
  EXPECT_EQ(body_processor_for("text/xml"), BodyProcessor::xml);
  EXPECT_EQ(body_processor_for("application/atom+xml"), BodyProcessor::xml);
  EXPECT_EQ(body_processor_for("text/plain"), BodyProcessor::none);
}

TEST(RequestView, CollectionNames) {
  EXPECT_EQ(collection_named("ARGS"), Collection::args);
  EXPECT_EQ(collection_named("request_headers_names"), Collection::request_headers_names);
  EXPECT_EQ(collection_named("TX"), std::nullopt);
  for (std::size_t i = 0; i < kCollections; ++i) {
    const auto collection = static_cast<Collection>(i);
    EXPECT_EQ(collection_named(name_of(collection)), collection);
  }
}

TEST(WafMetrics, RuleGroups) {
  EXPECT_EQ(group_of_rule(942100), FindingGroup::sqli);
  EXPECT_EQ(group_of_rule(941160), FindingGroup::xss);
  EXPECT_EQ(group_of_rule(932100), FindingGroup::rce);
  EXPECT_EQ(group_of_rule(930120), FindingGroup::lfi);
  EXPECT_EQ(group_of_rule(931100), FindingGroup::rfi);
  EXPECT_EQ(group_of_rule(933160), FindingGroup::php);
  EXPECT_EQ(group_of_rule(944100), FindingGroup::java);
  EXPECT_EQ(group_of_rule(934100), FindingGroup::nodejs);
  EXPECT_EQ(group_of_rule(920350), FindingGroup::protocol);
  EXPECT_EQ(group_of_rule(913100), FindingGroup::scanner);
  EXPECT_EQ(group_of_rule(943100), FindingGroup::fixation);
  EXPECT_EQ(group_of_rule(922110), FindingGroup::multipart);
  EXPECT_EQ(group_of_rule(949110), FindingGroup::generic);
  EXPECT_EQ(group_of_rule(9700100), FindingGroup::native_sql);
  EXPECT_EQ(group_of_rule(9700202), FindingGroup::native_xss);
  EXPECT_EQ(group_of_rule(9700300), FindingGroup::native_shell);
  EXPECT_EQ(group_of_rule(9700499), FindingGroup::native_path);
  EXPECT_EQ(group_of_rule(9700500), FindingGroup::java);  // Log4j lookups
  EXPECT_EQ(group_of_rule(9700600), FindingGroup::nosql);
  EXPECT_EQ(group_of_rule(9700700), FindingGroup::ssti);
  EXPECT_EQ(group_of_rule(9700800), FindingGroup::ldap);
}

TEST(WafMetrics, RegisteredWithTheirLabels) {
  const RouteWafMetrics metrics("metrics-test", config::WafMode::block);
  metrics.count_request();
  metrics.count_finding(FindingGroup::sqli);
  metrics.count_action(WafAction::blocked);
  metrics.observe_inspection(12e-6);
  set_rule_status({{"loaded", 634}, {"not_honoured", 3}});
  const std::string text = observe::Registry::global().render();
  EXPECT_NE(text.find(R"(centinela_waf_requests_total{mode="block",route="metrics-test"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(centinela_waf_findings_total{group="sqli",route="metrics-test"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(centinela_waf_actions_total{action="blocked",route="metrics-test"} 1)"),
            std::string::npos);
  EXPECT_NE(
      text.find(R"(centinela_waf_inspection_seconds_bucket{route="metrics-test",le="2.5e-05"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(centinela_waf_rules{status="loaded"} 634)"), std::string::npos);
}

}  // namespace
}  // namespace centinela::waf
