// X-Forwarded-For as any client may send it: the first byte picks the peer
// (a trusted proxy or not), the rest is the header. Whatever it says, the
// client address is a valid address, and an untrusted peer is its own client.
#include <string>
#include <string_view>
#include <vector>

#include "config/address.h"
#include "fuzz_target.h"
#include "security/client_ip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela;
  if (size == 0) return 0;
  static const std::vector<config::CidrRange> trusted = [] {
    std::vector<config::CidrRange> ranges;
    for (const char* cidr : {"10.0.0.0/8", "192.168.0.0/16", "fd00::/8"}) {
      if (auto range = config::parse_cidr(cidr); range.value) ranges.push_back(*range.value);
    }
    return ranges;
  }();
  const bool from_proxy = (data[0] & 1) != 0;
  const auto peer = security::parse_ip(from_proxy ? "10.1.2.3" : "203.0.113.50");
  fuzz_check(peer.has_value(), "peer address does not parse");
  const std::string_view header(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string peer_text;
  const std::string client = security::resolve_client_ip(*peer, header, trusted, peer_text);
  fuzz_check(security::parse_ip(client).has_value(), "client address is not an address");
  if (!from_proxy) fuzz_check(client == "203.0.113.50", "untrusted peer's header was believed");
  return 0;
}
