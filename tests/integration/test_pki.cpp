#include "test_pki.h"

#include <chrono>
#include <vector>

#include "child_process.h"

namespace itest {
namespace {

bool openssl(const std::vector<std::string>& args, std::string& error) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult result = run_command(argv, std::chrono::seconds(30));
  if (result.exit_code == 0) return true;
  error = "openssl " + args.front() + " failed: " + result.output();
  return false;
}

bool make_ca(const TempDir& dir, const std::string& name, std::string& error) {
  return openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", dir.file(name + ".key"), "-out", dir.file(name + ".pem"), "-days", "2",
                  "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                  "keyUsage=keyCertSign,cRLSign"},
                 error);
}

// A leaf certificate NAME.pem / NAME.key signed by the CA "ca".
bool make_leaf(const TempDir& dir, const std::string& name, const std::string& subject,
               const std::string& extensions, std::string& error) {
  const std::string ext_file = dir.write(name + ".ext", extensions);
  return openssl(
             {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
              dir.file(name + ".key"), "-out", dir.file(name + ".csr"), "-subj", subject},
             error) &&
         openssl({"x509", "-req", "-in", dir.file(name + ".csr"), "-CA", dir.file("ca.pem"),
                  "-CAkey", dir.file("ca.key"), "-CAcreateserial", "-out", dir.file(name + ".pem"),
                  "-days", "2", "-extfile", ext_file},
                 error);
}

}  // namespace

TestPki make_test_pki(const TempDir& dir) {
  TestPki pki;
  const bool made =
      make_ca(dir, "ca", pki.error) && make_ca(dir, "other-ca", pki.error) &&
      make_leaf(dir, "server", "/CN=localhost",
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
                pki.error) &&
      make_leaf(dir, "client", "/CN=centinela-test-client",
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                "extendedKeyUsage=clientAuth\n",
                pki.error);
  if (!made) return pki;
  pki.ca = dir.file("ca.pem");
  pki.other_ca = dir.file("other-ca.pem");
  pki.server_cert = dir.file("server.pem");
  pki.server_key = dir.file("server.key");
  pki.client_cert = dir.file("client.pem");
  pki.client_key = dir.file("client.key");
  return pki;
}

}  // namespace itest
