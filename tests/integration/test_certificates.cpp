#include "test_certificates.h"

#include <fmt/format.h>

#include "child_process.h"

namespace itest {

TestCertificates::TestCertificates(std::string dir)
    : dir_(std::move(dir)), ca_cert_(dir_ + "/ca.pem"), ca_key_(dir_ + "/ca.key") {
  run(
      fmt::format("openssl ecparam -name prime256v1 -genkey -noout -out {1} && "
                  "openssl req -x509 -new -key {1} -sha256 -days 30 -subj '/CN=centinela test CA' "
                  "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
                  "-out {0}",
                  ca_cert_, ca_key_));
}

void TestCertificates::run(const std::string& script) {
  const CommandResult result =
      run_command({"/bin/sh", "-c", "mkdir -p " + dir_ + " && cd " + dir_ + " && " + script},
                  std::chrono::seconds(30));
  if (result.exit_code != 0) error_ += result.output();
}

namespace {

std::string san_line(const std::vector<std::string>& sans) {
  if (sans.empty()) return "";
  std::string line = "subjectAltName=";
  for (std::size_t i = 0; i < sans.size(); ++i) {
    if (i != 0) line += ",";
    // "IP:127.0.0.1" as it is; a bare name is a DNS name.
    line += sans[i].find(':') != std::string::npos ? sans[i] : "DNS:" + sans[i];
  }
  return line;
}

}  // namespace

CertificateFiles TestCertificates::leaf(const std::string& name,
                                        const std::vector<std::string>& sans, int days,
                                        const std::string& cn) {
  CertificateFiles files{dir_ + "/" + name + ".pem", dir_ + "/" + name + ".key"};
  const std::string ext = dir_ + "/" + name + ".ext";
  run(fmt::format(
      "printf '%s\\n' '{5}' 'extendedKeyUsage=serverAuth,clientAuth' > {4} && "
      "openssl ecparam -name prime256v1 -genkey -noout -out {1} && "
      "openssl req -new -key {1} -subj '/CN={6}' -out {0}.csr && "
      "openssl x509 -req -in {0}.csr -CA {2} -CAkey {3} -CAcreateserial -days {7} -sha256 "
      "-extfile {4} -out {0}.leaf && cat {0}.leaf {2} > {0}",
      files.cert, files.key, ca_cert_, ca_key_, ext, san_line(sans), cn, days));
  return files;
}

CertificateFiles TestCertificates::expired_leaf(const std::string& name, const std::string& san) {
  CertificateFiles files{dir_ + "/" + name + ".pem", dir_ + "/" + name + ".key"};
  // `openssl ca` is the CLI's way to set the dates of a certificate.
  run(fmt::format(
      "mkdir -p {0}.db && : > {0}.db/index.txt && echo 01 > {0}.db/serial && "
      "printf '%s\\n' '[ca]' 'default_ca=t' '[t]' 'database={0}.db/index.txt' "
      "'serial={0}.db/serial' 'new_certs_dir={0}.db' 'default_md=sha256' 'policy=p' "
      "'copy_extensions=copy' '[p]' 'commonName=supplied' > {0}.cnf && "
      "openssl ecparam -name prime256v1 -genkey -noout -out {1} && "
      "openssl req -new -key {1} -subj '/CN={4}' -addext 'subjectAltName=DNS:{4}' -out {0}.csr && "
      "openssl ca -batch -config {0}.cnf -cert {2} -keyfile {3} -in {0}.csr "
      "-startdate 20200101000000Z -enddate 20200201000000Z -out {0}.leaf 2>&1 && "
      "openssl x509 -in {0}.leaf -out {0}",
      files.cert, files.key, ca_cert_, ca_key_, san));
  return files;
}

}  // namespace itest
