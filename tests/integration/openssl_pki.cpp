#include "openssl_pki.h"

#include <vector>

#include "child_process.h"

namespace itest {

OpensslPki::OpensslPki() {
  dir_.write("server.ext",
             "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
             "extendedKeyUsage=serverAuth\n");
  dir_.write("client.ext", "extendedKeyUsage=clientAuth\n");
  make_ca("ca", "/CN=centinela test CA") && make_ca("other-ca", "/CN=some other CA") &&
      make_leaf("server", "ca", "/CN=localhost", "server.ext") &&
      make_leaf("client", "ca", "/CN=centinela", "client.ext") &&
      make_leaf("stranger", "other-ca", "/CN=stranger", "client.ext");
}

bool OpensslPki::openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult result = run_command(argv, std::chrono::seconds(30));
  if (result.exit_code == 0) return true;
  error_ = "openssl " + args.front() + " failed: " + result.output();
  return false;
}

bool OpensslPki::make_ca(const std::string& name, const std::string& subject) {
  return openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", dir_.file(name + ".key"), "-out", dir_.file(name + ".pem"), "-days",
                  "1", "-subj", subject});
}

bool OpensslPki::make_leaf(const std::string& name, const std::string& ca,
                           const std::string& subject, const std::string& extensions) {
  return openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", dir_.file(name + ".key"), "-out", dir_.file(name + ".csr"), "-subj",
                  subject}) &&
         openssl({"x509", "-req", "-in", dir_.file(name + ".csr"), "-CA", dir_.file(ca + ".pem"),
                  "-CAkey", dir_.file(ca + ".key"), "-CAcreateserial", "-out",
                  dir_.file(name + ".pem"), "-days", "1", "-extfile", dir_.file(extensions)});
}

}  // namespace itest
