#include "timing/gateway_timing.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace centinela::timing {
namespace {

// The lower-case spelling of each X-Cache value, as a Server-Timing token.
std::string_view cache_description(std::string_view x_cache) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kNames = {{
      {"HIT", "hit"},
      {"MISS", "miss"},
      {"STALE", "stale"},
      {"BYPASS", "bypass"},
      {"REVALIDATED", "revalidated"},
  }};
  for (const auto& [value, name] : kNames) {
    if (value == x_cache) return name;
  }
  return {};
}

class Writer {
 public:
  explicit Writer(std::span<char, kGatewayTimingBytes> buffer) : buffer_(buffer) {}

  // A new metric: `name`, after ", " unless it is the first.
  void metric(std::string_view name) {
    if (at_ != 0) append(", ");
    append(name);
  }
  void append(std::string_view text) {
    const std::size_t n = std::min(text.size(), buffer_.size() - at_);
    std::memcpy(buffer_.data() + at_, text.data(), n);
    at_ += n;
  }
  // `;dur=12.345`: whole microseconds, as the access log writes them.
  void duration(double ms) {
    const auto us = static_cast<std::uint64_t>(std::llround(std::max(ms, 0.0) * 1000.0));
    append(";dur=");
    char text[32];
    char* end = std::to_chars(text, text + 24, us / 1000).ptr;
    const auto fraction = static_cast<unsigned>(us % 1000);
    end[0] = '.';
    end[1] = static_cast<char>('0' + fraction / 100);
    end[2] = static_cast<char>('0' + fraction / 10 % 10);
    end[3] = static_cast<char>('0' + fraction % 10);
    append({text, static_cast<std::size_t>(end + 4 - text)});
  }
  std::string_view view() const { return {buffer_.data(), at_}; }

 private:
  std::span<char, kGatewayTimingBytes> buffer_;
  std::size_t at_ = 0;
};

}  // namespace

std::string_view format_gateway_timing(const GatewayTiming& timing,
                                       std::span<char, kGatewayTimingBytes> buffer) {
  Writer out(buffer);
  if (const std::string_view cache = cache_description(timing.cache); !cache.empty()) {
    out.metric("cache;desc=");
    out.append(cache);
  }
  if (timing.gateway_ms >= 0) {
    out.metric("gw");
    out.duration(timing.gateway_ms);
  }
  if (timing.upstream_ms >= 0) {
    out.metric("upstream");
    out.duration(timing.upstream_ms);
  }
  return out.view();
}

bool relays_origin_timing(config::ServerTimingConfig::Origin mode, std::string_view client_ip) {
  using Origin = config::ServerTimingConfig::Origin;
  switch (mode) {
    case Origin::pass:
      return true;
    case Origin::strip:
      return false;
    case Origin::loopback:
      break;
  }
  // Canonical text (security::format_ip): IPv4, mapped or not, as a dotted
  // quad, IPv6 per RFC 5952.
  return client_ip.starts_with("127.") || client_ip == "::1";
}

}  // namespace centinela::timing
