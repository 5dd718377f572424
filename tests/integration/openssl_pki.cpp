#include "openssl_pki.h"

namespace itest {

OpensslPki::OpensslPki()
    : ours_(dir_.file("ca")),
      others_(dir_.file("other-ca")),
      server_(ours_.leaf("server", {"localhost", "IP:127.0.0.1"}, 1, "localhost")),
      client_(ours_.leaf("client", {}, 1, "centinela")),
      stranger_(others_.leaf("stranger", {}, 1, "stranger")) {}

}  // namespace itest
