// The client side of TLS: how the gateway speaks TLS to a server it connects
// to (`upstreams.NAME.tls`, and Redis through `rediss://` with `redis.tls`).
#pragma once

#include <string>

namespace centinela::config {

struct TlsClientConfig {
  bool verify = true;       // the server's certificate chain and name are checked
  std::string ca;           // PEM bundle to verify against; empty: the system's CAs
  std::string sni;          // name sent in SNI and verified; empty: the host connected to
  std::string client_cert;  // PEM certificate (and chain) presented to the server; optional
  std::string client_key;   // its private key (required with client_cert)
  unsigned line = 0;        // where `tls:` is written, for check's reports
};

}  // namespace centinela::config
