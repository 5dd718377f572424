// A gateway whose listener terminates TLS, with certificates the test makes
// (test_certificates.h), and a Python TLS client (tls_client.py) that tells
// what a client sees: version, cipher, ALPN, the certificate, responses,
// session reuse.
#pragma once

#include <string>
#include <vector>

#include "gateway_fixture.h"
#include "test_certificates.h"

namespace itest {

class HttpsTest : public GatewayTest {
 protected:
  HttpsTest();

  // The `tls:` mapping's body the listener is written with.
  std::string tls_yaml() const;
  // config_ rendered with the TLS listener.
  std::string render() const;
  ::testing::AssertionResult start_https();

  // Runs tls_client.py with `args` (a JSON object's members, without braces;
  // port and CA are added) and parses its answer.
  JsonValue client(const std::string& args) const;

  // Sends SIGHUP after writing render() + nothing else, and waits until a
  // reload was counted with `result` ("success" or "failure").
  ::testing::AssertionResult reload(const std::string& result);

  TestCertificates certs_;
  CertificateFiles default_cert_;
  std::vector<CertificateFiles> extra_certs_;  // `certificates:` after the default
  std::string tls_extra_;                      // more `tls:` keys ("min_version: \"1.3\"")
};

// The number in a JSON answer, or -1.
inline double json_number(const JsonValue& value, const std::string& path) {
  return value.number_at(path).value_or(-1);
}

}  // namespace itest
