// The admin endpoints as plain functions of their inputs, so they can be
// tested without a socket.
#pragma once

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

}  // namespace centinela::admin
