// A private PKI for one test, made at run time with the openssl CLI (never a
// key checked in): a CA, a server certificate for localhost and 127.0.0.1, a
// client certificate from the same CA, and a second, unrelated CA (a client
// that trusts it must refuse the server). ECDSA P-256, valid for a day.
#pragma once

#include <string>
#include <vector>

#include "temp_dir.h"

namespace itest {

class OpensslPki {
 public:
  OpensslPki();  // makes every file; see ok()
  OpensslPki(const OpensslPki&) = delete;
  OpensslPki& operator=(const OpensslPki&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  std::string ca() const { return dir_.file("ca.pem"); }
  std::string other_ca() const { return dir_.file("other-ca.pem"); }
  std::string server_cert() const { return dir_.file("server.pem"); }
  std::string server_key() const { return dir_.file("server.key"); }
  std::string client_cert() const { return dir_.file("client.pem"); }
  std::string client_key() const { return dir_.file("client.key"); }
  // A client certificate signed by other_ca (a server trusting ca() refuses it).
  std::string stranger_cert() const { return dir_.file("stranger.pem"); }
  std::string stranger_key() const { return dir_.file("stranger.key"); }
  const TempDir& dir() const { return dir_; }

 private:
  // Runs openssl with `args`; false (error_ set) when it fails.
  bool openssl(const std::vector<std::string>& args);
  bool make_ca(const std::string& name, const std::string& subject);
  bool make_leaf(const std::string& name, const std::string& ca, const std::string& subject,
                 const std::string& extensions);

  TempDir dir_;
  std::string error_;
};

}  // namespace itest
