#include "net/listen_error.h"

#include <fmt/format.h>

#include <cerrno>

namespace centinela::net {

std::string listen_error_text(std::string_view address, const boost::system::error_code& error) {
  const std::string_view port = address.substr(address.rfind(':') + 1);
  const std::string_view host = address.substr(0, address.rfind(':'));
  switch (error.value()) {
    case EADDRINUSE:
      return fmt::format(
          "cannot listen on {}: the address is already in use by another process (`ss -ltnp "
          "'sport = :{}'` shows which)",
          address, port);
    case EACCES:
      return fmt::format(
          "cannot listen on {}: permission denied (ports below 1024 need root or "
          "CAP_NET_BIND_SERVICE)",
          address);
    case EADDRNOTAVAIL:
      return fmt::format("cannot listen on {}: {} is not an address of this machine", address,
                         host);
    default:
      return fmt::format("cannot listen on {}: {}", address, error.message());
  }
}

}  // namespace centinela::net
