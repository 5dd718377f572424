// The admin API's one table and its dispatcher, driven without a socket:
// which guard answers first, the token, 404 and 405 with the methods a path
// answers, HEAD as GET, and the query string read one way.
#include "admin/admin_routes.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <set>

#include "observe/incident_log.h"
#include "proxy/runtime.h"

namespace centinela::admin {
namespace {

class AdminRoutesTest : public ::testing::Test {
 protected:
  AdminRoutesTest() {
    auto config = std::make_shared<config::Config>();
    config->admin.token = "t0ken";
    runtime_ = std::make_shared<proxy::Runtime>(config);
    sources_.runtime = [this] { return runtime_; };
    sources_.active_connections = [] { return std::uint64_t{3}; };
    sources_.version = "9.9.9";
  }

  AdminResponse call(std::string_view method, std::string_view target,
                     std::string_view authorization = "Bearer t0ken") {
    AdminRequest request;
    request.method = method;
    request.target = target;
    request.authorization = authorization;
    request.host = "127.0.0.1:9901";
    return call(request);
  }

  AdminResponse call(const AdminRequest& request) {
    boost::asio::io_context io;
    auto answer =
        boost::asio::co_spawn(io, handle_admin_request(request, sources_), boost::asio::use_future);
    io.run();
    return answer.get();
  }

  std::shared_ptr<proxy::Runtime> runtime_;
  AdminSources sources_;
};

std::string envelope(unsigned status, std::string_view code, std::string_view message) {
  return "{\"error\":{\"status\":" + std::to_string(status) + ",\"code\":\"" + std::string(code) +
         "\",\"message\":\"" + std::string(message) + "\"}}";
}

TEST(AdminEndpointsTest, OneHandlerPerMethodAndPath) {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const AdminEndpoint& endpoint : admin_endpoints()) {
    EXPECT_NE(endpoint.handler, nullptr) << endpoint.path;
    EXPECT_TRUE(seen.emplace(endpoint.method, endpoint.path).second)
        << endpoint.method << " " << endpoint.path << " twice";
  }
  // + GET/POST/DELETE /admin/bans, GET /admin/threat/top; 9 of the dashboard
  EXPECT_EQ(seen.size(), 23u);
}

TEST_F(AdminRoutesTest, EndpointsAnswerTheirMethodAndHeadAsGet) {
  const AdminResponse health = call("GET", "/health");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.content_type, "application/json");
  EXPECT_EQ(health.body.rfind(R"({"status":"ok","version":"9.9.9",)", 0), 0u) << health.body;
  EXPECT_EQ(call("HEAD", "/health").status, 200u);
  const AdminResponse metrics = call("GET", "/metrics", "");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_EQ(metrics.content_type.rfind("text/plain", 0), 0u);
  const AdminResponse stats = call("GET", "/admin/stats?x=1");
  EXPECT_EQ(stats.status, 200u) << stats.body;
  EXPECT_NE(stats.body.find(R"("connections_active":3)"), std::string::npos) << stats.body;
}

TEST_F(AdminRoutesTest, AWrongMethodNamesTheOnesThePathAnswers) {
  EXPECT_EQ(call("POST", "/health").body, envelope(405, "METHOD_NOT_ALLOWED", "use GET"));
  EXPECT_EQ(call("POST", "/admin/stats").body, envelope(405, "METHOD_NOT_ALLOWED", "use GET"));
  EXPECT_EQ(call("POST", "/admin/ratelimit").body,
            envelope(405, "METHOD_NOT_ALLOWED", "use GET or DELETE"));
  EXPECT_EQ(call("GET", "/admin/cache/purge").body,
            envelope(405, "METHOD_NOT_ALLOWED", "use POST"));
  const AdminResponse put = call("PUT", "/admin/cache/warm");
  EXPECT_EQ(put.status, 405u);
  EXPECT_EQ(put.body, envelope(405, "METHOD_NOT_ALLOWED", "use POST or GET"));
}

TEST_F(AdminRoutesTest, TheTokenGuardsEveryAdminPathBeforeItsMethodOrExistence) {
  const std::string unauthorized = envelope(401, "UNAUTHORIZED", "a valid admin token is required");
  for (const auto& [method, target] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"GET", "/admin/stats"},
           {"POST", "/admin/stats"},
           {"GET", "/admin/cache/purge"},
           {"DELETE", "/admin/ratelimit?policy=p&key=k"},
           {"GET", "/admin/no-such-thing"}}) {
    const AdminResponse response = call(method, target, "Bearer wrong");
    EXPECT_EQ(response.status, 401u) << method << " " << target;
    EXPECT_EQ(response.body, unauthorized);
  }
  EXPECT_EQ(call("GET", "/admin/no-such-thing").body,
            envelope(404, "NOT_FOUND", "no such admin endpoint"));
  // Outside /admin/ no token is asked for.
  EXPECT_EQ(call("GET", "/health", "").status, 200u);
  EXPECT_EQ(call("GET", "/nothing-here", "").body,
            envelope(404, "NOT_FOUND", "no such admin endpoint"));
}

TEST_F(AdminRoutesTest, TheGuardsAnswerBeforeAnything) {
  AdminRequest rebound;
  rebound.method = "GET";
  rebound.target = "/no-such-path";
  rebound.host = "evil.example";
  const AdminResponse host = call(rebound);
  EXPECT_EQ(host.status, 403u);
  EXPECT_EQ(host.body, envelope(403, "FORBIDDEN",
                                "this Host is not answered here: add it to admin.allowed_hosts"));

  AdminRequest from_a_page;
  from_a_page.method = "DELETE";
  from_a_page.target = "/admin/ratelimit?policy=p&key=k";  // no token either
  from_a_page.origin = "http://evil.example";
  const AdminResponse csrf = call(from_a_page);
  EXPECT_EQ(csrf.status, 403u);
  EXPECT_NE(csrf.body.find("(Origin)"), std::string::npos) << csrf.body;
}

TEST_F(AdminRoutesTest, WithLiveStatsOffWhatReadsThemSaysSoAndTheRestAnswers) {
  auto config = std::make_shared<config::Config>();
  config->admin.token = "t0ken";
  config->admin.live_stats = false;
  runtime_ = std::make_shared<proxy::Runtime>(config);
  const std::string off =
      envelope(404, "LIVE_STATS_OFF", "live stats are off (admin.live_stats: false)");
  for (const std::string_view target :
       {"/", "/dashboard", "/dashboard/dashboard.js", "/dashboard/uPlot.iife.min.js",
        "/admin/dashboard.json?since=0", "/admin/stats"}) {
    for (const std::string_view method : {"GET", "HEAD"}) {
      const AdminResponse response = call(method, target);
      EXPECT_EQ(response.status, 404u) << method << " " << target;
      EXPECT_EQ(response.content_type, "application/json") << target;
      EXPECT_EQ(response.body, off) << method << " " << target;
    }
  }
  // The token, the method and the other endpoints answer as before.
  EXPECT_EQ(call("GET", "/admin/stats", "Bearer wrong").status, 401u);
  EXPECT_EQ(call("POST", "/admin/stats").status, 405u);
  EXPECT_EQ(call("GET", "/health").status, 200u);
  EXPECT_EQ(call("GET", "/metrics", "").status, 200u);
  EXPECT_EQ(call("GET", "/dashboard/no-such-file").body,
            envelope(404, "NOT_FOUND", "no such admin endpoint"));

  // A reload that turns them on again serves them (the runtime is asked per call).
  runtime_ = std::make_shared<proxy::Runtime>(std::make_shared<config::Config>());
  EXPECT_EQ(call("GET", "/admin/stats").status, 200u);
  EXPECT_EQ(call("GET", "/dashboard").status, 200u);
}

TEST_F(AdminRoutesTest, RateLimitEndpointsReadTheirQueryOneWay) {
  const std::string missing =
      envelope(400, "BAD_REQUEST", "policy and key query parameters are required");
  EXPECT_EQ(call("GET", "/admin/ratelimit?policy=p").body, missing);
  EXPECT_EQ(call("DELETE", "/admin/ratelimit?key=k").body, missing);
  EXPECT_EQ(call("GET", "/admin/ratelimit?policy=p&key=%ZZ").body, missing);
  const AdminResponse described = call("GET", "/admin/ratelimit?policy=no%20such&key=a+b");
  EXPECT_EQ(described.status, 200u);
  EXPECT_EQ(described.body, R"({"policy":"no such","key":"a b","found":false,"entries":[]})");
  const AdminResponse reset = call("DELETE", "/admin/ratelimit?key=k&policy=p");
  EXPECT_EQ(reset.body, R"({"reset":true,"policy":"p","key":"k","cleared":0})");
}

TEST(QueryParameterTest, DecodesTheNamedParameter) {
  EXPECT_EQ(query_parameter("/x?a=1&b=two%2Fthree&c", "b"), "two/three");
  EXPECT_EQ(query_parameter("/x?a=1+2", "a"), "1 2");
  EXPECT_EQ(query_parameter("/x?a=1&a=2", "a"), "1");
  EXPECT_EQ(query_parameter("/x?c", "c"), "");
  EXPECT_EQ(query_parameter("/x?ab=1", "a"), "");
  EXPECT_EQ(query_parameter("/x", "a"), "");
  EXPECT_EQ(query_parameter("/x?a=%4", "a"), "");  // malformed: as if absent
}

TEST_F(AdminRoutesTest, RecentIncidentsNewestFirstFilteredAndBounded) {
  observe::IncidentLog& log = observe::IncidentLog::global();
  log.clear();
  observe::IncidentRecord record;
  record.action = "blocked";
  for (const char* ip : {"192.0.2.1", "192.0.2.2", "192.0.2.1"}) {
    record.client_ip = ip;
    record.route = "api";
    log.record(record);
  }
  const AdminResponse all = call("GET", "/admin/waf/incidents");
  EXPECT_EQ(all.status, 200u);
  EXPECT_EQ(all.content_type, "application/json");
  EXPECT_EQ(all.body.rfind(R"({"incidents":[{"ts":)", 0), 0u) << all.body;
  const AdminResponse one = call("GET", "/admin/waf/incidents?limit=1&ip=192.0.2.2&route=api");
  EXPECT_NE(one.body.find(R"("client_ip":"192.0.2.2")"), std::string::npos) << one.body;
  EXPECT_EQ(one.body.find("192.0.2.1"), std::string::npos) << one.body;
  EXPECT_EQ(call("GET", "/admin/waf/incidents?route=other").body, R"({"incidents":[]})");
  EXPECT_EQ(call("GET", "/admin/waf/incidents?limit=0").status, 400u);
  EXPECT_EQ(call("GET", "/admin/waf/incidents?limit=1001").status, 400u);
  EXPECT_EQ(call("GET", "/admin/waf/incidents", "").status, 401u);
  log.clear();
}

}  // namespace
}  // namespace centinela::admin
