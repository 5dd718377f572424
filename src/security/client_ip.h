// Who the client really is: the TCP peer, or, when the peer is a trusted proxy,
// the nearest untrusted hop of X-Forwarded-For (nginx `real_ip_recursive on`).
// Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6, as in config::CidrRange.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "stage/request_context.h"

namespace centinela::security {

using IpAddress = std::array<std::uint8_t, 16>;

// Bounds on the work one request can cause: only the right-most hops of
// X-Forwarded-For are read (the ones trusted proxies added).
inline constexpr std::size_t kMaxForwardedHops = 32;
inline constexpr std::size_t kMaxForwardedForBytes = 8 * 1024;

// An IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1") literal; IPv4 is returned
// IPv4-mapped. No brackets, ports or zone ids.
std::optional<IpAddress> parse_ip(std::string_view text) noexcept;

// Canonical text: dotted quad for IPv4-mapped addresses, RFC 5952 otherwise.
std::string format_ip(const IpAddress& address);

bool is_trusted_proxy(const IpAddress& address, const std::vector<config::CidrRange>& trusted);

// The client's address as text. `peer_text_out` receives the peer's address
// as text. If the peer is not trusted, the client is the peer and the header
// is ignored. Otherwise X-Forwarded-For is walked from the right, skipping
// trusted addresses: the first untrusted address is the client; an invalid
// entry (or the cut edge of an over-long header) ends the walk at the last
// trusted hop. Entries may be bracketed IPv6 or carry a port ("[::1]:80",
// "192.0.2.1:5000"); empty entries are skipped.
std::string resolve_client_ip(const IpAddress& peer, std::string_view x_forwarded_for,
                              const std::vector<config::CidrRange>& trusted,
                              std::string& peer_text_out);

// The same over every X-Forwarded-For field of `request`, in order, as if
// they were joined by commas (a proxy may append its own field line instead
// of extending the client's, so the first field alone could be forged).
std::string resolve_client_ip(const IpAddress& peer, const stage::RequestHead& request,
                              const std::vector<config::CidrRange>& trusted,
                              std::string& peer_text_out);

}  // namespace centinela::security
