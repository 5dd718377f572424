// GET / and /dashboard (the page), /dashboard/* (its files) and
// /admin/dashboard.json?since= (what the page polls). The page and its files
// hold no data, so they are served without the token; the data is under
// /admin/ and needs it (the page sends it as a Bearer token, see
// docs/operations.md "Dashboard").
#include <zlib.h>

#include <charconv>
#include <map>

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

// `bytes` as a gzip member; empty when zlib fails (then sent as is).
std::string gzip(std::string_view bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const bool done = deflate(&stream, Z_FINISH) == Z_STREAM_END;
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return done ? out : std::string();
}

// Each file compressed once, the first time one is asked for.
const std::string& gzipped(const DashboardAsset& asset) {
  static const std::map<std::string_view, std::string> all = [] {
    std::map<std::string_view, std::string> made;
    for (const DashboardAsset& a : dashboard_assets()) made[a.path] = gzip(a.bytes);
    return made;
  }();
  return all.at(asset.path);
}

// Whether Accept-Encoding lists gzip (or *) with a q-value above 0.
bool accepts_gzip(std::optional<std::string_view> accept_encoding) {
  std::string_view rest = accept_encoding.value_or("");
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto semicolon = item.find(';');
    std::string_view name = item.substr(0, semicolon);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != "gzip" && name != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    std::string_view q = item.substr(semicolon + 1);
    while (!q.empty() && q.front() == ' ') q.remove_prefix(1);
    return !(q.starts_with("q=0") && q.find_first_not_of("q=0.") == std::string_view::npos);
  }
  return false;
}

AdminResponse asset_response(std::string_view path,
                             std::optional<std::string_view> accept_encoding) {
  for (const DashboardAsset& asset : dashboard_assets()) {
    if (asset.path != path) continue;
    const bool compress = accepts_gzip(accept_encoding) && !gzipped(asset).empty();
    AdminResponse response{200, std::string(asset.content_type),
                           std::string(compress ? gzipped(asset) : asset.bytes)};
    if (compress) response.headers.emplace_back("Content-Encoding", "gzip");
    response.headers.emplace_back("Vary", "Accept-Encoding");
    const std::initializer_list<std::pair<std::string, std::string>> policy = {
        {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        // The page is revalidated each time (a new binary may change it);
        // its files may be reused for a few minutes.
        {"Cache-Control", path == "/dashboard" ? "no-cache" : "private, max-age=300"},
    };
    response.headers.insert(response.headers.end(), policy.begin(), policy.end());
    return response;
  }
  return error_response(404, "NOT_FOUND", "no such dashboard file");
}

std::string_view path_of(const AdminCall& call) {
  return call.request.target.substr(0, call.request.target.find('?'));
}

}  // namespace

AdminAnswer get_dashboard_page(const AdminCall& call) {
  co_return asset_response("/dashboard", call.request.accept_encoding);
}

AdminAnswer get_dashboard_file(const AdminCall& call) {
  co_return asset_response(path_of(call), call.request.accept_encoding);
}

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
