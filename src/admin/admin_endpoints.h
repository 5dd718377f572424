// The handlers of admin_routes.cpp's table, one per endpoint (method + path),
// named after it. The dispatcher has applied the guards and the token before
// any of them runs.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "admin/admin_routes.h"

namespace centinela::admin {

using AdminAnswer = boost::asio::awaitable<AdminResponse>;

// status_endpoints.cpp: /metrics, /health, /ready, /admin/stats (GET).
AdminAnswer get_metrics(const AdminCall& call);
AdminAnswer get_health(const AdminCall& call);
AdminAnswer get_ready(const AdminCall& call);
AdminAnswer get_stats(const AdminCall& call);

// ratelimit_endpoints.cpp: /admin/ratelimit?policy=NAME&key=KEY (GET, DELETE).
AdminAnswer get_rate_limit(const AdminCall& call);
AdminAnswer delete_rate_limit(const AdminCall& call);

// cache_endpoints.cpp: /admin/cache/purge (POST), /admin/cache/warm (POST, GET).
AdminAnswer post_cache_purge(const AdminCall& call);
AdminAnswer post_cache_warm(const AdminCall& call);
AdminAnswer get_cache_warm(const AdminCall& call);

// waf_endpoints.cpp: /admin/waf/incidents?limit=&ip=&route= (GET).
AdminAnswer get_waf_incidents(const AdminCall& call);

// threat_endpoints.cpp: /admin/bans (GET, POST, DELETE ?ip=|user=),
// /admin/threat/top?limit=N (GET).
AdminAnswer get_bans(const AdminCall& call);
AdminAnswer post_ban(const AdminCall& call);
AdminAnswer delete_ban(const AdminCall& call);
AdminAnswer get_threat_top(const AdminCall& call);

// dashboard_endpoints.cpp: / and /dashboard (the page), /dashboard/<file>,
// /admin/dashboard.json?since=UNIX_SECOND (GET).
AdminAnswer get_dashboard_page(const AdminCall& call);
AdminAnswer get_dashboard_file(const AdminCall& call);
AdminAnswer get_dashboard_json(const AdminCall& call);

// A name from the config or a client as a JSON string (escaped like every
// log field).
std::string quoted(std::string_view text);

}  // namespace centinela::admin
