// Certificates made at run time with the openssl CLI, for tests that speak
// TLS: a private CA, a server certificate for "localhost" and 127.0.0.1
// signed by it, a client certificate signed by it (for mTLS), and a second
// CA that signed nothing the servers present. P-256 keys, valid for two
// days; nothing here is ever checked in.
#pragma once

#include <string>

#include "temp_dir.h"

namespace itest {

struct TestPki {
  std::string ca;           // PEM certificate of the CA
  std::string other_ca;     // a CA the servers' certificates do not chain to
  std::string server_cert;  // CN=localhost, SAN DNS:localhost, IP:127.0.0.1
  std::string server_key;
  std::string client_cert;  // CN=centinela-test-client, extendedKeyUsage clientAuth
  std::string client_key;
  std::string error;  // non-empty: making them failed (openssl's output)
};

// Makes the files in `dir`.
TestPki make_test_pki(const TempDir& dir);

}  // namespace itest
