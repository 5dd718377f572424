// nginx as a TLS origin (Debian's nginx-light has the ssl module), in its own
// directory, one process (master_process off), listening on 127.0.0.1:port
// with the test's certificate. Every answer carries what tells a test how
// the gateway connected: X-Connection ($connection, nginx's connection
// serial), X-Session-Reused ($ssl_session_reused: "r" when the TLS session
// was resumed), X-Tls-Protocol and X-Client-Verify. With `ws_proxy_port`,
// /ws/ is proxied (Upgrade and Connection passed on) to a cleartext origin on
// that port: a WebSocket server behind TLS.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "child_process.h"
#include "temp_dir.h"

namespace itest {

struct NginxTlsOptions {
  std::string cert;
  std::string key;
  std::string protocols = "TLSv1.3";  // ssl_protocols
  std::string client_ca;              // non-empty: a client certificate is required
  std::uint16_t ws_proxy_port = 0;    // non-zero: /ws/ goes to 127.0.0.1:port, upgrades too
};

class NginxTlsOrigin {
 public:
  NginxTlsOrigin(const TempDir& dir, std::uint16_t port, NginxTlsOptions options);
  ~NginxTlsOrigin();

  // Starts nginx and waits until it accepts connections.
  ::testing::AssertionResult start();
  std::uint16_t port() const { return port_; }
  // nginx's access log: "$connection $ssl_session_reused $ssl_protocol $request_uri" lines.
  std::string access_log() const;
  std::string error_log() const;

 private:
  std::string root_;
  std::uint16_t port_;
  NginxTlsOptions options_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace itest
