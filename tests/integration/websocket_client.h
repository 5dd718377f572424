// A WebSocket client over a raw loopback socket, written by hand so tests
// see every byte: the handshake as sent (fixed key, extra fields), the
// gateway's answer as received, masked frames out, frames in (opcode,
// payload, the close code), and the connection's end.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "header_list.h"
#include "loopback_socket.h"

namespace itest {

struct WsFrame {
  int opcode = 0;  // 1 text, 2 binary, 8 close, 9 ping, 10 pong
  bool fin = true;
  std::string payload;
  // For a close frame: its status code (0 when it has none).
  int close_code() const;
};

// The answer to the handshake: 101, or an ordinary response with its body.
struct WsHandshake {
  int status = 0;  // 0: no answer, see `error`
  HeaderList headers;
  std::string body;
  std::string error;
  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

class WsClient {
 public:
  // The key every handshake sends, and the Sec-WebSocket-Accept it calls for.
  static constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
  static constexpr std::string_view kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  // Connects to the gateway, sends a handshake for `target` with `extra`
  // fields, and reads the answer.
  WsHandshake open(std::uint16_t port, const std::string& target, const HeaderList& extra = {},
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // One masked frame (FIN set).
  bool send(int opcode, std::string_view payload,
            std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool send_text(std::string_view text) { return send(1, text); }
  bool send_binary(std::string_view bytes) { return send(2, bytes); }
  // The next whole frame; nullopt on EOF, error or timeout (see eof()).
  std::optional<WsFrame> read_frame(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Whether the gateway closed the connection (EOF or reset) within `timeout`;
  // frames that arrive first are dropped.
  bool wait_closed(std::chrono::milliseconds timeout);
  bool eof() const { return eof_; }
  // Half-close: no more bytes from the client.
  void shutdown_write();
  void close() { socket_.close(); }

 private:
  bool fill(Clock::time_point deadline);

  Socket socket_;
  std::string buffer_;  // received, not yet consumed
  bool eof_ = false;
};

}  // namespace itest
