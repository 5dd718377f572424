// Which certificate answers a client's SNI: the DNS names a certificate is
// for (its subjectAltName entries, or its subject CN when it has none), and
// the matching of a requested name against them (exact, or a wildcard
// "*.example.com" for one label).
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

namespace centinela::tls {

// The certificate's DNS names, lower-case.
std::vector<std::string> certificate_names(X509* certificate);

// Whether `server_name` (as the client sent it) is one of `names`.
bool name_matches(const std::vector<std::string>& names, std::string_view server_name);

}  // namespace centinela::tls
