// A private PKI for one test, made at run time (test_certificates.h; never a
// key checked in): a CA, a server certificate for localhost and 127.0.0.1, a
// client certificate from the same CA, and a second, unrelated CA (a client
// that trusts it must refuse the server) with a client certificate of its own.
#pragma once

#include <string>

#include "temp_dir.h"
#include "test_certificates.h"

namespace itest {

class OpensslPki {
 public:
  OpensslPki();  // makes every file; see ok()
  OpensslPki(const OpensslPki&) = delete;
  OpensslPki& operator=(const OpensslPki&) = delete;

  bool ok() const { return ours_.ok() && others_.ok(); }
  std::string error() const { return ours_.error() + others_.error(); }

  std::string ca() const { return ours_.ca(); }
  std::string other_ca() const { return others_.ca(); }
  // The certificate files hold the leaf, then its CA.
  std::string server_cert() const { return server_.cert; }
  std::string server_key() const { return server_.key; }
  std::string client_cert() const { return client_.cert; }
  std::string client_key() const { return client_.key; }
  // A client certificate signed by other_ca (a server trusting ca() refuses it).
  std::string stranger_cert() const { return stranger_.cert; }
  std::string stranger_key() const { return stranger_.key; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  TestCertificates ours_;    // in dir_/ca
  TestCertificates others_;  // in dir_/other-ca
  CertificateFiles server_, client_, stranger_;
};

}  // namespace itest
