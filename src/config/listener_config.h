// Addresses: an endpoint ("host:port"), and the client listeners of
// `server.listen` with their TLS and HTTP/2 settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace centinela::config {

// "host:port"; host may be an IPv4/IPv6 literal ("[::1]:80") or a name.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string text;  // as written, for logs and metric labels
};

// One certificate a TLS listener presents: the one whose names match the
// client's SNI, the first one when none does (or the client sent none).
struct TlsCertificateConfig {
  std::string cert;  // PEM file: the certificate, then its chain
  std::string key;   // PEM file: its private key
};

// Client certificates on a TLS listener (mTLS).
enum class ClientAuth { none, optional, required };

// `tls:` of a `server.listen` entry.
struct ListenerTlsConfig {
  std::vector<TlsCertificateConfig> certificates;  // `cert`/`key`, then `certificates`
  std::string min_version = "1.2";                 // "1.2" or "1.3"
  std::string ciphers;       // TLS 1.2 cipher list (OpenSSL syntax); empty: modern default
  std::string ciphersuites;  // TLS 1.3 suites; empty: OpenSSL's default
  bool session_tickets = true;
  ClientAuth client_auth = ClientAuth::none;
  std::string client_ca;  // PEM bundle the client certificates must chain to
  unsigned line = 0;      // where `tls:` is written, for check's certificate reports
};

// A `server.listen` entry: "ADDR:PORT", or a map with TLS and HTTP/2.
struct ListenerConfig {
  Endpoint endpoint;
  std::optional<ListenerTlsConfig> tls;  // absent: cleartext
  // HTTP/2: offered by ALPN with `tls`; without it, h2c with prior knowledge.
  bool http2 = false;
};

}  // namespace centinela::config
