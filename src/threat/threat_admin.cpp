#include "threat/threat_admin.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>

#include "config/units.h"
#include "observe/json_escape.h"
#include "observe/utc_time.h"

namespace centinela::threat {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxBodyBytes = 4096;
constexpr std::size_t kMaxUserBytes = 1024;
constexpr std::int64_t kMaxBanNs = 365LL * 86'400 * 1'000'000'000;

bool fail(std::string& error, std::string_view message) {
  error.assign(message);
  return false;
}

bool name_client(ClientKind kind, std::string_view text, NamedClient& out, std::string& error) {
  if (kind == ClientKind::ip) {
    auto canonical = canonical_ip(text);
    if (!canonical) return fail(error, "ip must be an IPv4 or IPv6 address");
    out = NamedClient{kind, std::move(*canonical)};
    return true;
  }
  if (text.empty() || text.size() > kMaxUserBytes) {
    return fail(error, "user must be a non-empty string of at most 1024 bytes");
  }
  out = NamedClient{kind, std::string(text)};
  return true;
}

std::string quoted(std::string_view text) {
  std::string out;
  observe::append_json_string(out, text);
  return out;
}

std::string time_text(std::int64_t ns) {
  std::string out = "\"";
  observe::append_rfc3339_ms(out,
                             std::chrono::system_clock::time_point(
                                 std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                     std::chrono::nanoseconds(ns))));
  return out + "\"";
}

std::int64_t seconds_left(std::int64_t until_ns, std::int64_t now_ns) {
  return until_ns > now_ns ? (until_ns - now_ns + 999'999'999) / 1'000'000'000 : 0;
}

}  // namespace

bool parse_ban_request(std::string_view body, BanRequest& out, std::string& error) {
  out = BanRequest{};
  if (body.size() > kMaxBodyBytes) return fail(error, "ban body is larger than 4 KiB");
  json::parse_options options;
  options.max_depth = 2;
  boost::system::error_code parse_error;
  const json::value value =
      json::parse(json::string_view(body.data(), body.size()), parse_error, {}, options);
  const json::object* object = parse_error ? nullptr : value.if_object();
  if (object == nullptr) return fail(error, "ban body must be a JSON object");
  bool named = false;
  for (const auto& member : *object) {
    const std::string_view key(member.key().data(), member.key().size());
    const json::string* text = member.value().if_string();
    if (key != "ip" && key != "user" && key != "duration") {
      return fail(error,
                  "unknown field '" + std::string(key) + "' (expected ip or user, duration)");
    }
    if (text == nullptr) return fail(error, "\"" + std::string(key) + "\" must be a string");
    const std::string_view string(text->data(), text->size());
    if (key == "duration") {
      auto parsed = config::parse_duration(string);
      if (!parsed.value || parsed.value->count() <= 0) {
        return fail(error, "duration: expected a duration such as 10m or 1h");
      }
      out.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*parsed.value).count();
      if (*out.duration_ns > kMaxBanNs) return fail(error, "duration: at most 365d");
      continue;
    }
    if (named) return fail(error, "name one client: ip or user");
    named = true;
    if (!name_client(key == "ip" ? ClientKind::ip : ClientKind::user, string, out.client, error)) {
      return false;
    }
  }
  if (!named) return fail(error, "name the client to ban: {\"ip\": …} or {\"user\": …}");
  return true;
}

bool client_from_query(std::string_view ip, std::string_view user, NamedClient& out,
                       std::string& error) {
  if (ip.empty() == user.empty()) return fail(error, "give exactly one of ip= and user=");
  return ip.empty() ? name_client(ClientKind::user, user, out, error)
                    : name_client(ClientKind::ip, ip, out, error);
}

std::string bans_json(const std::vector<ClientInfo>& bans, std::int64_t now_ns) {
  std::string out = R"({"bans":[)";
  for (std::size_t i = 0; i < bans.size(); ++i) {
    const ClientInfo& ban = bans[i];
    out += fmt::format(
        R"({}{{"kind":"{}","client":{},"level":{},"until":{},"retry_after_s":{},"score":{:.2f}}})",
        i ? "," : "", to_string(ban.kind), quoted(ban.name), ban.level, time_text(ban.ban_until_ns),
        seconds_left(ban.ban_until_ns, now_ns), ban.score);
  }
  return out + fmt::format(R"(],"count":{}}})", bans.size());
}

std::string top_json(const std::vector<ClientInfo>& clients, std::int64_t now_ns) {
  std::string out = R"({"clients":[)";
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const ClientInfo& client = clients[i];
    const bool banned = client.ban_until_ns > now_ns;
    out += fmt::format(
        R"({}{{"kind":"{}","client":{},"score":{:.2f},"level":{},"banned":{},"until":{},)"
        R"("last_seen":{}}})",
        i ? "," : "", to_string(client.kind), quoted(client.name), client.score, client.level,
        banned ? "true" : "false", banned ? time_text(client.ban_until_ns) : "null",
        time_text(client.updated_ns));
  }
  return out + "]}";
}

std::string client_json(const NamedClient& client) {
  return fmt::format(R"("kind":"{}","client":{})", to_string(client.kind), quoted(client.name));
}

}  // namespace centinela::threat
