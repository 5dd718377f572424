// `centinela warm`: the real binary fetching a URL list through a running
// gateway (started by the usual fixture) in front of a counting test origin.
#include <regex>

#include "child_process.h"
#include "gateway_fixture.h"

namespace itest {
namespace {

using WarmCliTest = GatewayTest;

CommandResult centinela(const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  std::vector<std::string> argv = {centinela_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout);
}

// "warm: finished N URLs in S s: C cached, U not cacheable, F failed (R req/s)"
struct SummaryLine {
  int urls = -1, cached = -1, not_cacheable = -1, failed = -1;
};

std::optional<SummaryLine> find_summary(const std::string& output) {
  static const std::regex kSummary(
      R"(warm: finished (\d+) URLs in [0-9.]+ s: (\d+) cached, (\d+) not cacheable, (\d+) failed \(\d+ req/s\))");
  std::smatch match;
  if (!std::regex_search(output, match, kSummary)) return std::nullopt;
  return SummaryLine{std::stoi(match[1]), std::stoi(match[2]), std::stoi(match[3]),
                     std::stoi(match[4])};
}

TEST_F(WarmCliTest, FetchesEveryListedUrlThroughTheGateway) {
  ASSERT_TRUE(start_gateway());
  const std::string list = dir_.write("urls.txt",
                                      "# the hot pages\n"
                                      "/a\n"
                                      "\n"
                                      "/b?x=1\n"
                                      "http://shop.example/c\n"
                                      "  /d  \n");

  CommandResult result =
      centinela({"warm", "-c", config_path(), "--urls", list, "--concurrency", "2"});
  EXPECT_EQ(result.exit_code, 0) << result.output();
  const auto summary = find_summary(result.out);
  ASSERT_TRUE(summary) << result.output();
  EXPECT_EQ(summary->urls, 4);
  EXPECT_EQ(summary->failed, 0);
  EXPECT_EQ(summary->cached + summary->not_cacheable, 4);

  EXPECT_EQ(origin_.request_count(), 4u);
  std::map<std::string, std::string> host_by_target;
  for (const ReceivedRequest& request : origin_.requests()) {
    EXPECT_EQ(request.method, "GET");
    host_by_target[request.target] = request.header("Host").value_or("");
  }
  ASSERT_EQ(host_by_target.size(), 4u);
  EXPECT_TRUE(host_by_target.count("/a"));
  EXPECT_TRUE(host_by_target.count("/b?x=1"));
  EXPECT_TRUE(host_by_target.count("/d"));
  EXPECT_EQ(host_by_target["/c"], "shop.example");  // the URL's own host
  EXPECT_EQ(host_by_target["/a"], fmt::format("127.0.0.1:{}", port()));
}

TEST_F(WarmCliTest, WarmedUrlsAreServedFromTheCache) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, cache: {ttl: 1m}})"};
  ASSERT_TRUE(start_gateway());
  const std::string list = dir_.write("urls.txt", "/p/1\n/p/2\n/p/3\n");

  CommandResult first = centinela({"warm", "-c", config_path(), "--urls", list});
  EXPECT_EQ(first.exit_code, 0) << first.output();
  auto summary = find_summary(first.out);
  ASSERT_TRUE(summary) << first.output();
  EXPECT_EQ(summary->cached, 3);  // MISS, stored
  EXPECT_EQ(origin_.request_count(), 3u);

  // Warmed: neither a second warm nor a client reaches the origin again.
  CommandResult second = centinela({"warm", "-c", config_path(), "--urls", list});
  EXPECT_EQ(second.exit_code, 0) << second.output();
  summary = find_summary(second.out);
  ASSERT_TRUE(summary) << second.output();
  EXPECT_EQ(summary->cached, 3);  // HIT
  // Entries are keyed by the Host the upstream receives, port included: the
  // one a browser sends for the listener's address, as warm does.
  HttpResponse response = get("/p/2", {{"Host", fmt::format("127.0.0.1:{}", port())}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(find_header(response.headers, "X-Cache").value_or(""), "HIT");
  EXPECT_EQ(origin_.request_count(), 3u);
}

TEST_F(WarmCliTest, ReadsTheListFromStandardInput) {
  ASSERT_TRUE(start_gateway());
  CommandResult result = run_command(
      {"/bin/sh", "-c",
       fmt::format("printf '/one\\n/two\\n# skip\\n/three\\n' | '{}' warm -c '{}' --urls -",
                   centinela_binary(), config_path())},
      std::chrono::seconds(30));
  EXPECT_EQ(result.exit_code, 0) << result.output();
  const auto summary = find_summary(result.out);
  ASSERT_TRUE(summary) << result.output();
  EXPECT_EQ(summary->urls, 3);
  EXPECT_EQ(origin_.request_count(), 3u);
  EXPECT_EQ(origin_.request_count("/two"), 1u);
}

TEST_F(WarmCliTest, SomeFailuresExitWithOneAndAreNamed) {
  origin_.on("/broken", [](const ReceivedRequest&) { return OriginReply::text(500, "no"); });
  ASSERT_TRUE(start_gateway());
  const std::string list = dir_.write("urls.txt", "/fine\n/broken\n/also-fine\n");

  CommandResult result = centinela({"warm", "-c", config_path(), "--urls", list});
  EXPECT_EQ(result.exit_code, 1) << result.output();
  const auto summary = find_summary(result.out);
  ASSERT_TRUE(summary) << result.output();
  EXPECT_EQ(summary->urls, 3);
  EXPECT_EQ(summary->failed, 1);
  EXPECT_NE(result.err.find("warm: failed: GET /broken: 500"), std::string::npos) << result.err;
  EXPECT_EQ(origin_.request_count(), 3u);
}

TEST_F(WarmCliTest, AGatewayThatIsNotRunningFailsEveryUrl) {
  write_config_file();  // the config exists, but nothing listens on its address
  const std::string list = dir_.write("urls.txt", "/a\n/b\n");
  CommandResult result = centinela({"warm", "-c", config_path(), "--urls", list});
  EXPECT_EQ(result.exit_code, 1) << result.output();
  const auto summary = find_summary(result.out);
  ASSERT_TRUE(summary) << result.output();
  EXPECT_EQ(summary->failed, 2);
  EXPECT_EQ(origin_.request_count(), 0u);
}

TEST_F(WarmCliTest, UsageAndConfigurationErrorsExitWithTwo) {
  write_config_file();
  const std::string good_list = dir_.write("urls.txt", "/a\n");
  const std::string bad_list = dir_.write("bad.txt", "/a\nnot a url\n/b\n");
  const std::string bad_config = dir_.write("bad.yaml", "server: {workrs: 2}\n");

  struct Case {
    std::vector<std::string> args;
    std::string expected;  // in the output
  };
  const std::vector<Case> cases = {
      {{"warm", "-c", config_path()}, "--urls"},
      {{"warm", "--urls", good_list}, "-c FILE"},
      {{"warm", "-c", config_path(), "--urls", good_list, "--concurrency", "0"}, "--concurrency"},
      {{"warm", "-c", config_path(), "--urls", good_list, "--concurrency", "many"},
       "--concurrency"},
      {{"warm", "-c", config_path(), "--urls", good_list, "--concurrency"}, "needs a value"},
      {{"warm", "-c", config_path(), "--urls", dir_.file("missing.txt")}, "missing.txt"},
      {{"warm", "-c", config_path(), "--urls", bad_list}, bad_list + ":line 2: "},
      {{"warm", "-c", bad_config, "--urls", good_list}, bad_config},
      {{"check", "-c", config_path(), "--urls", good_list}, "unknown option '--urls'"},
  };
  for (const Case& test_case : cases) {
    std::string joined;
    for (const auto& arg : test_case.args) joined += arg + " ";
    SCOPED_TRACE(joined);
    CommandResult result = centinela(test_case.args);
    EXPECT_EQ(result.exit_code, 2) << result.output();
    EXPECT_NE(result.output().find(test_case.expected), std::string::npos) << result.output();
  }
  EXPECT_EQ(origin_.request_count(), 0u);
}

}  // namespace
}  // namespace itest
