// Lets the cache watch an upstream response while it is relayed: it sees the
// head before the route's response filters and every body piece as received
// (before compression), and may keep the response from the client altogether
// (a 304 answering its revalidation, a 5xx it replaces with a stale entry).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "proxy/request_context.h"

namespace centinela::net {

class ResponseTap {
 public:
  enum class HeadAction {
    relay,    // send the response to the client, as usual
    swallow,  // read it (body pieces still reach on_body) but send nothing
  };
  virtual ~ResponseTap() = default;

  // The upstream's final response head, hop-by-hop fields removed. The tap
  // may edit it (the client sees the edit when relaying).
  virtual HeadAction on_head(proxy::ResponseHead& head, std::optional<std::uint64_t> length) = 0;
  virtual void on_body(std::string_view piece) = 0;
  // The body ended: `complete` is false when it broke off.
  virtual void on_end(bool complete) = 0;
};

}  // namespace centinela::net
