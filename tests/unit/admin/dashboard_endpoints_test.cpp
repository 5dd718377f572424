// The dashboard's endpoints, driven without a socket: the page at / and
// /dashboard, every embedded file at its path with its type and the strict
// CSP, and the data behind the token.
#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "admin/admin_routes.h"
#include "admin/dashboard_assets.h"
#include "proxy/runtime.h"

namespace centinela::admin {
namespace {

class DashboardEndpointsTest : public ::testing::Test {
 protected:
  DashboardEndpointsTest() {
    auto config = std::make_shared<config::Config>();
    config->admin.token = "t0ken";
    runtime_ = std::make_shared<proxy::Runtime>(config);
    sources_.runtime = [this] { return runtime_; };
    sources_.active_connections = [] { return std::uint64_t{0}; };
  }

  AdminResponse get(std::string_view target, std::string_view authorization = "",
                    std::optional<std::string_view> accept_encoding = std::nullopt) {
    AdminRequest request;
    request.accept_encoding = accept_encoding;
    request.method = "GET";
    request.target = target;
    request.authorization = authorization;
    request.host = "127.0.0.1:9901";
    boost::asio::io_context io;
    auto answer =
        boost::asio::co_spawn(io, handle_admin_request(request, sources_), boost::asio::use_future);
    io.run();
    return answer.get();
  }

  static std::string header(const AdminResponse& response, std::string_view name) {
    for (const auto& [n, v] : response.headers) {
      if (n == name) return v;
    }
    return {};
  }

  std::shared_ptr<proxy::Runtime> runtime_;
  AdminSources sources_;
};

TEST_F(DashboardEndpointsTest, ThePageIsServedAtRootAndDashboardWithoutTheToken) {
  for (const std::string_view path : {"/", "/dashboard"}) {
    const AdminResponse page = get(path);
    EXPECT_EQ(page.status, 200u) << path;
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("/dashboard/dashboard.js"), std::string::npos);
    EXPECT_TRUE(header(page, "Content-Security-Policy").starts_with("default-src 'self'"));
    EXPECT_EQ(header(page, "X-Content-Type-Options"), "nosniff");
  }
}

TEST_F(DashboardEndpointsTest, EveryEmbeddedFileIsAnsweredWithItsType) {
  ASSERT_GE(dashboard_assets().size(), 5u);
  for (const DashboardAsset& asset : dashboard_assets()) {
    const AdminResponse response = get(asset.path);
    EXPECT_EQ(response.status, 200u) << asset.path << " has no entry in admin_routes.cpp";
    EXPECT_EQ(response.content_type, asset.content_type) << asset.path;
    EXPECT_EQ(response.body, asset.bytes) << asset.path;
    EXPECT_FALSE(asset.bytes.empty()) << asset.path;
  }
  EXPECT_NE(get("/dashboard/uPlot.iife.min.js").body.find("uPlot"), std::string::npos);
  EXPECT_EQ(get("/dashboard/nothing.js").status, 404u);
}

std::string gunzip(const std::string& bytes) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

TEST_F(DashboardEndpointsTest, FilesAreGzippedForClientsThatAcceptIt) {
  const std::string_view path = "/dashboard/uPlot.iife.min.js";
  const AdminResponse plain = get(path);
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
  const AdminResponse gzipped = get(path, "", "br, gzip;q=0.8, deflate");
  EXPECT_EQ(header(gzipped, "Content-Encoding"), "gzip");
  EXPECT_LT(gzipped.body.size(), plain.body.size() / 2);
  EXPECT_EQ(gunzip(gzipped.body), plain.body);
  EXPECT_EQ(header(get(path, "", "gzip;q=0"), "Content-Encoding"), "");
  EXPECT_EQ(header(get(path, "", "identity"), "Content-Encoding"), "");
  EXPECT_EQ(header(get("/", "", "*"), "Content-Encoding"), "gzip");
}

TEST_F(DashboardEndpointsTest, TheDataNeedsTheToken) {
  EXPECT_EQ(get("/admin/dashboard.json").status, 401u);
  const AdminResponse data = get("/admin/dashboard.json?since=0", "Bearer t0ken");
  EXPECT_EQ(data.status, 200u);
  EXPECT_NE(data.body.find("\"series\":{\"t\":["), std::string::npos);
  EXPECT_EQ(header(data, "Content-Security-Policy"), "");
  EXPECT_EQ(get("/admin/dashboard.json?since=yesterday", "Bearer t0ken").status, 400u);
}

}  // namespace
}  // namespace centinela::admin
