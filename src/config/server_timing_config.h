// A route's `server_timing` settings (src/timing reads them), apart from
// config.h to keep that file within its size.
#pragma once

namespace centinela::config {

// A route's handling of the `Server-Timing` response field
// (`server_timing: {origin: ..., add: ...}`).
struct ServerTimingConfig {
  // What clients get of the origin's Server-Timing: `loopback` relays it to
  // clients on a loopback address only (it names internals: databases,
  // queries), `pass` to every client, `strip` to none.
  enum class Origin { loopback, pass, strip };
  Origin origin = Origin::loopback;
  // Appends the gateway's own metrics: cache;desc=..., gw;dur=, upstream;dur=.
  bool add = false;
};

}  // namespace centinela::config
