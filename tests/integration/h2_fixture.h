// A gateway whose listener speaks HTTP/2 — h2c with prior knowledge, or TLS
// with ALPN — and a Python HTTP/2 client (h2_client.py: python3-h2, and
// h2_floods.py: frames built by hand for the attacks) that tells what a
// client sees: the server's SETTINGS, each stream's response or reset,
// GOAWAY, the connection's close.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gateway_fixture.h"

namespace itest {

// HTTP/2 error codes (RFC 9113 §7).
inline constexpr int kProtocolError = 0x1;
inline constexpr int kEnhanceYourCalm = 0xb;

// One stream as the client saw it.
struct H2Stream {
  HttpResponse response;           // status 0 when no response head came
  std::optional<int> reset;        // the RST_STREAM's error code
  bool ended = false;              // END_STREAM received
  std::vector<int> informational;  // 1xx statuses before the response
};

// What h2_client.py printed.
struct H2Answer {
  std::string raw;  // for failure messages
  JsonValue json;

  bool ok() const { return json.get("ok") && json.get("ok")->boolean; }
  std::vector<H2Stream> streams() const;
  // The server's SETTINGS value by name ("MAX_CONCURRENT_STREAMS").
  std::optional<double> setting(const std::string& name) const;
  // GOAWAY's error code, when one came.
  std::optional<int> goaway_code() const;
  bool closed() const { return json.get("closed") && json.get("closed")->boolean; }
  // The position of the first event of `type` ("goaway", "end"), or -1.
  int event_index(const std::string& type) const;
};

class Http2Test : public GatewayTest {
 protected:
  // config_ rendered with the listener as {address, http2: true[, tls]}.
  std::string render() const;
  ::testing::AssertionResult start_h2();

  // Runs h2_client.py with `args` (a JSON object's members without braces;
  // the port is added) and parses its answer.
  H2Answer h2(const std::string& args,
              std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  // One GET on a fresh h2c connection answered 200 by origin "a".
  ::testing::AssertionResult h2_serves_normally() const;

  std::string listener_tls_;  // the `tls:` mapping's body; empty: cleartext h2c
};

// `requests` member for h2_client.py: GETs of `paths`.
std::string h2_gets(const std::vector<std::string>& paths);

}  // namespace itest
