// Shared set-up for the cache and compression integration tests: a gateway
// whose routes cache (and compress), extra top-level YAML (cache:, redis:,
// identity:), origin replies that count themselves, and readers for the
// X-Cache / Cache-Status fields.
#pragma once

#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "gateway_fixture.h"

namespace itest {

// An HTTP-date (RFC 9110 IMF-fixdate) for `when`.
inline std::string http_date(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text;
}

// A fixed 200 reply: `body`, Content-Type text/plain, `Cache-Control` when
// not empty, plus `extra` fields.
inline OriginReply reply_with(std::string body, const std::string& cache_control,
                              HeaderList extra = {}) {
  OriginReply reply = OriginReply::text(200, std::move(body));
  if (!cache_control.empty()) reply.headers.emplace_back("Cache-Control", cache_control);
  for (auto& field : extra) reply.headers.push_back(std::move(field));
  return reply;
}

// Answers every request with body "<name>-<n>", n counting the requests this
// handler answered (1, 2, ...), so a test can tell which origin response a
// client got; `headers` on every reply (Content-Type text/plain unless given).
inline OriginHandler numbered(std::string name, HeaderList headers = {}) {
  auto count = std::make_shared<std::atomic<int>>(0);
  if (!find_header(headers, "content-type")) headers.emplace_back("Content-Type", "text/plain");
  return [name = std::move(name), headers = std::move(headers), count](const ReceivedRequest&) {
    OriginReply reply;
    reply.headers = headers;
    reply.body = name + "-" + std::to_string(++*count);
    return reply;
  };
}

// The X-Cache value, or "(none)".
inline std::string x_cache(const HttpResponse& response) {
  return response.header("x-cache").value_or("(none)");
}

// Whether the `centinela` member of Cache-Status (RFC 9211) carries `token`
// as one of its parameters ("hit", "fwd=miss", "stored").
inline ::testing::AssertionResult cache_status_has(const HttpResponse& response,
                                                   std::string_view token) {
  std::string field = response.header("cache-status").value_or("");
  std::string_view rest(field);
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view member = trim(rest.substr(0, comma));
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    std::size_t semicolon = member.find(';');
    if (trim(member.substr(0, semicolon)) != "centinela") continue;
    std::string_view params =
        semicolon == std::string_view::npos ? std::string_view() : member.substr(semicolon + 1);
    while (!params.empty()) {
      std::size_t next = params.find(';');
      std::string_view param = trim(params.substr(0, next));
      params.remove_prefix(next == std::string_view::npos ? params.size() : next + 1);
      if (param == token) return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "Cache-Status '" << field << "' has no centinela member with '" << token << "'";
}

// The Age field as a number, or -1 when absent or not a number.
inline long age_of(const HttpResponse& response) {
  auto age = response.header("age");
  if (!age || age->empty()) return -1;
  char* end = nullptr;
  long value = std::strtol(age->c_str(), &end, 10);
  return *end == '\0' ? value : -1;
}

class CacheTest : public GatewayTest {
 protected:
  // One catch-all route named "cached" with `cache: <cache_yaml>` and any
  // `route_extra` keys ("compression: true").
  void cache_route(const std::string& cache_yaml, const std::string& route_extra = "") {
    config_.routes = {R"({name: cached, match: {prefix: "/"}, upstream: api, cache: )" +
                      cache_yaml + (route_extra.empty() ? "" : ", " + route_extra) + "}"};
  }

  // config_ rendered plus top-level sections the fixture does not know.
  ::testing::AssertionResult start_with(const std::string& extra_yaml = "") {
    write_config_file(config_.render() + extra_yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  HttpResponse head(const std::string& target, const HeaderList& headers = {}) {
    return http_request(port(), "HEAD", target, headers);
  }
  HttpResponse send(std::string_view method, const std::string& target,
                    const HeaderList& headers = {}, std::string_view body = {}) {
    return http_request(port(), method, target, headers, body);
  }

  // POST /admin/cache/purge with `json`.
  HttpResponse purge(const std::string& json, std::uint16_t admin = 0) {
    return http_request(admin ? admin : admin_port(), "POST", "/admin/cache/purge",
                        {{"Content-Type", "application/json"}}, json);
  }
  // The "purged" count of a purge answer, or -1 when it is not 200 JSON with one.
  static double purged_count(const HttpResponse& response) {
    if (response.status != 200) return -1;
    auto body = parse_json(response.body);
    return body ? body->number_at("purged").value_or(-1) : -1;
  }
};

// Top-level YAML for an identity section with API keys bob and carol.
inline std::string api_keys_yaml() {
  return "identity:\n  api_keys: {keys: {\"k_live_bob\": \"bob\", \"k_live_carol\": \"carol\"}}\n";
}

}  // namespace itest
