// Certificates made at run time with the openssl CLI, for the TLS tests: a
// private CA and ECDSA P-256 leaves signed by it, with the names and
// validity a test asks for (openssl_pki.h: a ready-made set). Nothing is
// checked in.
#pragma once

#include <string>
#include <vector>

namespace itest {

struct CertificateFiles {
  std::string cert;  // PEM: the leaf, then the CA (a chain)
  std::string key;   // PEM private key
};

class TestCertificates {
 public:
  // Makes the CA in `dir`.
  explicit TestCertificates(std::string dir);

  const std::string& ca() const { return ca_cert_; }

  // A leaf for `sans` (DNS names, or "IP:ADDRESS"; empty: a CN only, `cn`),
  // valid `days` from now, for servers and clients. `name` names its files.
  CertificateFiles leaf(const std::string& name, const std::vector<std::string>& sans,
                        int days = 30, const std::string& cn = "centinela test");
  // A leaf whose validity ended a year ago.
  CertificateFiles expired_leaf(const std::string& name, const std::string& san);

  // Whether everything so far was made; the openssl output otherwise.
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void run(const std::string& script);

  std::string dir_;
  std::string ca_cert_;
  std::string ca_key_;
  std::string error_;
};

}  // namespace itest
