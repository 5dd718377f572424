// The admin endpoints as plain functions of their inputs, so they can be
// tested without a socket.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "admin/admin_server.h"

namespace centinela::admin {

struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// `authorization` is the request's Authorization header value (may be empty).
AdminResponse handle_admin_request(std::string_view method, std::string_view target,
                                   std::string_view authorization, const AdminSources& sources);

// The same, for endpoints that need I/O (resetting a rate-limit key in Redis).
boost::asio::awaitable<AdminResponse> handle_admin_request_async(std::string_view method,
                                                                 std::string_view target,
                                                                 std::string_view authorization,
                                                                 const AdminSources& sources,
                                                                 std::string_view body = {});

// The value of query parameter `name` in `target`, percent-decoded; empty
// when absent.
std::string query_parameter(std::string_view target, std::string_view name);

}  // namespace centinela::admin
