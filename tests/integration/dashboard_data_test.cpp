// /admin/dashboard.json (issue 15, point 1) without a browser: the page and
// its files are served with their CSP, and the per-second series count what
// clients were answered, once each, with ?since= returning only newer seconds.
#include "gateway_fixture.h"

namespace itest {
namespace {

using DashboardDataTest = GatewayTest;

double sum(const JsonValue& data, std::string_view path) {
  double total = 0;
  if (const JsonValue* list = data.at(path)) {
    for (const JsonValue& item : list->items) total += item.number;
  }
  return total;
}

TEST_F(DashboardDataTest, SeriesCountWhatClientsWereAnswered) {
  config_.routes = {R"({name: web, match: {prefix: "/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());
  origin_.reply("/broken", OriginReply::text(503, "down"));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(get("/ok").status, 200);
  ASSERT_EQ(get("/broken").status, 503);
  ASSERT_EQ(get("/broken").status, 503);

  std::optional<JsonValue> data;
  ASSERT_TRUE(eventually(
      [&] {
        data = parse_json(admin_get("/admin/dashboard.json").body);
        return data && sum(*data, "series.requests") == 7;
      },
      std::chrono::seconds(5)));
  EXPECT_EQ(sum(*data, "series.errors_5xx"), 2);
  EXPECT_EQ(sum(*data, "series.errors_4xx"), 0);
  EXPECT_GT(sum(*data, "series.bytes_sent"), 0);
  EXPECT_EQ(data->at("series.t")->items.size(), data->at("series.requests")->items.size());
  ASSERT_EQ(data->at("routes")->items.size(), 1u);
  const JsonValue& route = data->at("routes")->items[0];
  EXPECT_EQ(route.string_at("name"), "web");
  EXPECT_EQ(sum(route, "count"), 7);
  EXPECT_EQ(route.number_at("windows.1m.count"), 7);
  EXPECT_EQ(data->string_at("redis"), "not_configured");

  // Nothing after the newest second yet: only what is newer comes back.
  const double newest = data->at("series.t")->items.back().number;
  const auto later = parse_json(
      admin_get("/admin/dashboard.json?since=" + std::to_string(static_cast<long long>(newest)))
          .body);
  ASSERT_TRUE(later);
  for (const JsonValue& t : later->at("series.t")->items) EXPECT_GT(t.number, newest);
  EXPECT_EQ(sum(*later, "series.requests"), 0);
}

TEST_F(DashboardDataTest, PageAndFilesAreServedWithAStrictPolicy) {
  ASSERT_TRUE(start_gateway());
  for (const std::string path : {"/", "/dashboard", "/dashboard/dashboard.js",
                                 "/dashboard/uPlot.iife.min.js", "/dashboard/uPlot.min.css"}) {
    const HttpResponse response = admin_get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(
        response.header("content-security-policy").value_or("").rfind("default-src 'self'", 0), 0u)
        << path;
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff") << path;
  }
  EXPECT_EQ(admin_get("/dashboard").header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(admin_get("/dashboard/dashboard.js").header("content-type"),
            "text/javascript; charset=utf-8");
}

}  // namespace
}  // namespace itest
