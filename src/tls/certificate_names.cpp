#include "tls/certificate_names.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>

namespace centinela::tls {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  return out;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x += 32;
    if (y >= 'A' && y <= 'Z') y += 32;
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> certificate_names(X509* certificate) {
  std::vector<std::string> names;
  auto* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (sans != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
      if (name->type != GEN_DNS) continue;
      const ASN1_IA5STRING* dns = name->d.dNSName;
      names.push_back(lower(std::string_view(reinterpret_cast<const char*>(dns->data),
                                             static_cast<std::size_t>(dns->length))));
    }
    GENERAL_NAMES_free(sans);
  }
  if (!names.empty()) return names;
  // No DNS names: the subject's common name, as clients did before SANs.
  const X509_NAME* subject = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index >= 0) {
    const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    names.push_back(lower(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                                           static_cast<std::size_t>(ASN1_STRING_length(cn)))));
  }
  return names;
}

bool name_matches(const std::vector<std::string>& names, std::string_view server_name) {
  for (const std::string& name : names) {
    if (equal_ignoring_case(name, server_name)) return true;
    // "*.example.com" stands for exactly one label in front of "example.com".
    if (name.size() > 2 && name[0] == '*' && name[1] == '.') {
      const std::string_view suffix = std::string_view(name).substr(1);  // ".example.com"
      if (server_name.size() > suffix.size() &&
          equal_ignoring_case(server_name.substr(server_name.size() - suffix.size()), suffix)) {
        const std::string_view label = server_name.substr(0, server_name.size() - suffix.size());
        if (label.find('.') == std::string_view::npos) return true;
      }
    }
  }
  return false;
}

}  // namespace centinela::tls
