// A WebSocket tunnel: after the 101, the gateway relays bytes both ways
// between the client's connection and the upstream's, until both sides have
// closed, one side fails, or nothing moved for the route's idle timeout.
//
// Each direction waits for its peer in a small buffer of its own and reads
// into a 16 KiB chunk from the worker's ChunkPool only while more is coming
// than that buffer holds, so a tunnel between messages holds no chunk. Each
// follows the frame boundaries of what it relays (http::WebSocketFrameTracker),
// so that when the worker's drain ends (go_away) a close frame 1001 can be put
// between two frames: each direction finishes the frame under way, sends its
// close frame (unmasked to the client, masked to the upstream), shuts its
// write side and then reads what is left until EOF or the deadline.
//
// Half-close: EOF from one side shuts the other's write side; the tunnel
// ends when both directions have. A read or write error, or the idle
// timeout, cancels both sides at once. Deadlines use the connections'
// DeadlineWatch (no timer per tunnel).
#pragma once

#include <cstdint>
#include <string_view>

#include "http/websocket_frames.h"
#include "net/asio_fwd.h"
#include "net/chunk_pool.h"
#include "net/deadline.h"
#include "net/stream.h"
#include "net/stream_io.h"

namespace centinela::net {

class Worker;

// One side of the tunnel: its stream (the client's may be TLS), the bytes
// already read from it (after the handshake's head) that belong to the
// tunnel, and `tls`, the Asio TLS layer over the socket of a TLS upstream
// (null: none). Over an upstream's TLS the half-close is the socket's (no
// close_notify is waited for).
struct TunnelSide {
  Stream stream;
  beast::flat_buffer& buffered;
  TlsStream* tls = nullptr;
};

// What the access log and the metrics learn when a tunnel ends.
struct TunnelTotals {
  std::uint64_t client_to_upstream = 0;  // bytes delivered to the upstream
  std::uint64_t upstream_to_client = 0;  // bytes delivered to the client
};

class Tunnel {
 public:
  Tunnel(Worker& worker, TunnelSide client, TunnelSide upstream,
         std::chrono::milliseconds idle_timeout);
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

  // Relays until the tunnel ends; both sockets stay open (the callers close them).
  asio::awaitable<TunnelTotals> run();

  // The drain is over: close frames 1001 both ways, everything ended by `deadline`.
  void go_away(SteadyTime deadline);

 private:
  friend class TunnelList;
  struct Direction;

  asio::awaitable<void> relay(Direction& d);
  asio::awaitable<bool> read_more(Direction& d);
  asio::awaitable<bool> write_pending(Direction& d);
  asio::awaitable<void> say_goodbye(Direction& d);
  // After a wait was cancelled: whether the tunnel goes on.
  bool goes_on() const;
  SteadyTime deadline() const;
  void stop();

  Worker& worker_;
  TunnelSide client_;
  TunnelSide upstream_;
  std::chrono::milliseconds idle_timeout_;
  SteadyTime last_activity_;
  SteadyTime going_away_by_{};
  bool going_away_ = false;
  bool stopped_ = false;
  Tunnel* prev_ = nullptr;  // in the worker's TunnelList
  Tunnel* next_ = nullptr;
  TunnelTotals totals_;
};

// The worker's open tunnels, so that the end of its drain reaches each.
class TunnelList {
 public:
  void add(Tunnel& tunnel);
  void remove(Tunnel& tunnel);
  bool empty() const { return head_ == nullptr; }
  void go_away(SteadyTime deadline);

 private:
  Tunnel* head_ = nullptr;
};

}  // namespace centinela::net
