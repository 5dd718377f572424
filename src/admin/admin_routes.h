// The admin listener's endpoints: one table of method + path → handler, and
// one dispatcher that applies the guards (admin_guard.h) and the token before
// any handler runs. Handlers are plain functions of the request, so the whole
// API can be driven without a socket.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/admin_guard.h"
#include "admin/admin_server.h"

namespace centinela::admin {

struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Set after the defaults (Cache-Control: no-store), so they may replace them.
  std::vector<std::pair<std::string, std::string>> headers{};
};

// What a handler is given. Both outlive the handler's run.
struct AdminCall {
  const AdminRequest& request;
  const AdminSources& sources;
};

using AdminHandler = boost::asio::awaitable<AdminResponse> (*)(const AdminCall&);

struct AdminEndpoint {
  std::string_view method;  // "GET" also answers HEAD
  std::string_view path;
  AdminHandler handler;
};

// Every endpoint; a path's methods in the order a 405 names them.
std::span<const AdminEndpoint> admin_endpoints();

// Every admin request: the Host and browser guards (403), then the token for
// /admin/* paths (401), then the endpoint by path (404) and method (405).
// `request` must outlive the call.
boost::asio::awaitable<AdminResponse> handle_admin_request(const AdminRequest& request,
                                                           const AdminSources& sources);

// A JSON answer; an error in the contract's envelope.
AdminResponse json_response(unsigned status, std::string body);
AdminResponse error_response(unsigned status, std::string_view code, std::string_view message);

// The value of query parameter `name` in `target`, percent-decoded; empty
// when absent (or malformed).
std::string query_parameter(std::string_view target, std::string_view name);

}  // namespace centinela::admin
