// The admin endpoints as plain functions of their inputs, so they can be
// tested without a socket.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "admin/admin_guard.h"
#include "admin/admin_server.h"

namespace centinela::admin {

struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// The endpoints that answer at once (metrics, health, ready, stats, the
// in-process rate-limit state). No guard runs here: see the next one.
AdminResponse handle_admin_request(std::string_view method, std::string_view target,
                                   std::string_view authorization, const AdminSources& sources);

// Every admin request: the guards of admin_guard.h (403), then each
// endpoint, those needing I/O (Redis) included. `request` must outlive the call.
boost::asio::awaitable<AdminResponse> handle_admin_request_async(const AdminRequest& request,
                                                                 const AdminSources& sources);

// The value of query parameter `name` in `target`, percent-decoded; empty
// when absent.
std::string query_parameter(std::string_view target, std::string_view name);

}  // namespace centinela::admin
