// GET / and /dashboard (the page), /dashboard/* (its files) and
// /admin/dashboard.json?since= (what the page polls). The page and its files
// hold no data, so they are served without the token; the data is under
// /admin/ and needs it (the page sends it as a Bearer token, see
// docs/operations.md "Dashboard").
#include <charconv>

#include "admin/admin_endpoints.h"
#include "admin/dashboard_assets.h"
#include "admin/live_json.h"

namespace centinela::admin {
namespace {

// Only the page's own files and its own origin: no inline script or style,
// no framing (clickjacking), nothing sent elsewhere.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

AdminResponse asset_response(std::string_view path) {
  for (const DashboardAsset& asset : dashboard_assets()) {
    if (asset.path != path) continue;
    AdminResponse response{200, std::string(asset.content_type), std::string(asset.bytes)};
    response.headers = {
        {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        // The page is revalidated each time (a new binary may change it);
        // its files may be reused for a few minutes.
        {"Cache-Control", path == "/dashboard" ? "no-cache" : "private, max-age=300"},
    };
    return response;
  }
  return error_response(404, "NOT_FOUND", "no such dashboard file");
}

std::string_view path_of(const AdminCall& call) {
  return call.request.target.substr(0, call.request.target.find('?'));
}

}  // namespace

AdminAnswer get_dashboard_page(const AdminCall&) { co_return asset_response("/dashboard"); }

AdminAnswer get_dashboard_file(const AdminCall& call) { co_return asset_response(path_of(call)); }

AdminAnswer get_dashboard_json(const AdminCall& call) {
  const std::int64_t now = unix_now();
  const std::string since_text = query_parameter(call.request.target, "since");
  std::int64_t since = 0;
  const auto [end, ec] =
      std::from_chars(since_text.data(), since_text.data() + since_text.size(), since);
  if (!since_text.empty() && (ec != std::errc() || end != since_text.data() + since_text.size())) {
    co_return error_response(400, "BAD_REQUEST", "since must be a unix time in seconds");
  }
  co_return json_response(200, dashboard_json(call.sources, since, now));
}

}  // namespace centinela::admin
