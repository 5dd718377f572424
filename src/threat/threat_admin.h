// What the admin API does with threat scores and bans, apart from HTTP:
// reading a ban request, naming a client from a query, and the JSON of the
// ban list and of the top clients.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "threat/client_key.h"
#include "threat/score_table.h"

namespace centinela::threat {

// A client named by an operator: the IP in its canonical text, or a user.
struct NamedClient {
  ClientKind kind = ClientKind::ip;
  std::string name;
  ClientKey key() const { return ClientKey{kind, name}; }
};

// POST /admin/bans: {"ip": "203.0.113.7", "duration": "10m"} or {"user": …};
// without a duration, the first of threat.ban.durations.
struct BanRequest {
  NamedClient client;
  std::optional<std::int64_t> duration_ns;
};
bool parse_ban_request(std::string_view body, BanRequest& out, std::string& error);

// DELETE /admin/bans?ip=… or ?user=…: exactly one of them.
bool client_from_query(std::string_view ip, std::string_view user, NamedClient& out,
                       std::string& error);

// {"bans":[{"kind","client","level","until","retry_after_s","score"}…],"count":N}
std::string bans_json(const std::vector<ClientInfo>& bans, std::int64_t now_ns);
// {"clients":[{"kind","client","score","level","banned","until","last_seen"}…]}
std::string top_json(const std::vector<ClientInfo>& clients, std::int64_t now_ns);
// One client as an answer to a ban or lift.
std::string client_json(const NamedClient& client);

}  // namespace centinela::threat
