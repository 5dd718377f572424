#include "security/client_ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace centinela::security {
namespace {

constexpr std::size_t kMaxAddressTextLength = INET6_ADDRSTRLEN - 1;

bool is_ipv4_mapped(const IpAddress& address) noexcept {
  for (int i = 0; i < 10; ++i) {
    if (address[i] != 0) return false;
  }
  return address[10] == 0xff && address[11] == 0xff;
}

std::string_view trim_whitespace(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_port(std::string_view text) noexcept {
  if (text.empty() || text.size() > 5) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// One X-Forwarded-For entry: an address, "[v6]", "[v6]:port" or "v4:port".
std::optional<IpAddress> parse_forwarded_entry(std::string_view entry) noexcept {
  if (entry.front() == '[') {
    const std::size_t close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && is_port(rest.substr(1)))) return std::nullopt;
    const std::string_view inside = entry.substr(1, close - 1);
    if (inside.find(':') == std::string_view::npos) return std::nullopt;  // "[1.2.3.4]"
    return parse_ip(inside);
  }
  const std::size_t colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    if (!is_port(entry.substr(colon + 1))) return std::nullopt;
    entry = entry.substr(0, colon);
    if (entry.find('.') == std::string_view::npos) return std::nullopt;
  }
  return parse_ip(entry);
}

// Walks X-Forwarded-For hops from the right, one field at a time (the last
// field first), and remembers where the walk ended.
class ForwardedForWalk {
 public:
  ForwardedForWalk(const IpAddress& peer, const std::vector<config::CidrRange>& trusted)
      : last_trusted_(peer), trusted_(trusted) {}

  // Reads one field's entries right to left; false once the walk is over.
  bool walk_field(std::string_view field) noexcept {
    bool cut = false;
    if (field.size() > bytes_left_) {
      // Only the tail is read; an entry straddling the cut is not an address.
      cut = field[field.size() - bytes_left_ - 1] != ',';
      field = field.substr(field.size() - bytes_left_);
    }
    bytes_left_ -= field.size();

    std::size_t end = field.size();
    while (true) {
      if (hops_left_ == 0) return false;
      --hops_left_;
      const std::size_t comma = end == 0 ? std::string_view::npos : field.rfind(',', end - 1);
      const bool leftmost = comma == std::string_view::npos;
      const std::size_t begin = leftmost ? 0 : comma + 1;
      if (leftmost && cut) return false;
      const std::string_view entry = trim_whitespace(field.substr(begin, end - begin));
      if (!entry.empty()) {
        const std::optional<IpAddress> address = parse_forwarded_entry(entry);
        if (!address) return false;
        if (!is_trusted_proxy(*address, trusted_)) {
          client_ = *address;
          return false;
        }
        last_trusted_ = *address;
      }
      if (leftmost) break;
      end = comma;
    }
    return bytes_left_ > 0;
  }

  // The untrusted client found, or else the last trusted hop.
  const IpAddress& client() const noexcept { return client_ ? *client_ : last_trusted_; }

 private:
  IpAddress last_trusted_;
  std::optional<IpAddress> client_;
  const std::vector<config::CidrRange>& trusted_;
  std::size_t hops_left_ = kMaxForwardedHops;
  std::size_t bytes_left_ = kMaxForwardedForBytes;
};

std::string format_client(const IpAddress& client, const IpAddress& peer,
                          const std::string& peer_text) {
  return client == peer ? peer_text : format_ip(client);
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) noexcept {
  if (text.empty() || text.size() > kMaxAddressTextLength) return std::nullopt;
  char terminated[kMaxAddressTextLength + 1];
  std::memcpy(terminated, text.data(), text.size());
  terminated[text.size()] = '\0';

  IpAddress address{};
  if (text.find(':') != std::string_view::npos) {
    if (inet_pton(AF_INET6, terminated, address.data()) != 1) return std::nullopt;
    return address;
  }
  address[10] = 0xff;
  address[11] = 0xff;
  if (inet_pton(AF_INET, terminated, address.data() + 12) != 1) return std::nullopt;
  return address;
}

std::string format_ip(const IpAddress& address) {
  if (is_ipv4_mapped(address)) {
    // Dotted quad by hand: inet_ntop goes through sprintf, and this runs for
    // every request.
    char text[16];
    char* out = text;
    for (int i = 12; i < 16; ++i) {
      const unsigned octet = address[i];
      if (octet >= 100) *out++ = static_cast<char>('0' + octet / 100);
      if (octet >= 10) *out++ = static_cast<char>('0' + octet / 10 % 10);
      *out++ = static_cast<char>('0' + octet % 10);
      if (i != 15) *out++ = '.';
    }
    return std::string(text, out);
  }
  char text[INET6_ADDRSTRLEN];
  const char* written = inet_ntop(AF_INET6, address.data(), text, sizeof text);
  return written ? std::string(written) : std::string();
}

bool is_trusted_proxy(const IpAddress& address, const std::vector<config::CidrRange>& trusted) {
  for (const config::CidrRange& range : trusted) {
    if (range.contains(address)) return true;
  }
  return false;
}

std::string resolve_client_ip(const IpAddress& peer, std::string_view x_forwarded_for,
                              const std::vector<config::CidrRange>& trusted,
                              std::string& peer_text_out) {
  peer_text_out = format_ip(peer);
  if (!is_trusted_proxy(peer, trusted)) return peer_text_out;
  ForwardedForWalk walk(peer, trusted);
  walk.walk_field(x_forwarded_for);
  return format_client(walk.client(), peer, peer_text_out);
}

std::string resolve_client_ip(const IpAddress& peer, const stage::RequestHead& request,
                              const std::vector<config::CidrRange>& trusted,
                              std::string& peer_text_out) {
  peer_text_out = format_ip(peer);
  if (!is_trusted_proxy(peer, trusted)) return peer_text_out;

  // Fields come first to last; keep the last few (a ring) to walk backwards.
  std::array<std::string_view, kMaxForwardedHops> fields;
  std::size_t field_count = 0;
  const auto [begin, end] = request.equal_range("X-Forwarded-For");
  for (auto field = begin; field != end; ++field) {
    fields[field_count % fields.size()] = field->value();
    ++field_count;
  }
  ForwardedForWalk walk(peer, trusted);
  const std::size_t first = field_count > fields.size() ? field_count - fields.size() : 0;
  for (std::size_t i = field_count; i > first; --i) {
    if (!walk.walk_field(fields[(i - 1) % fields.size()])) break;
  }
  return format_client(walk.client(), peer, peer_text_out);
}

}  // namespace centinela::security
