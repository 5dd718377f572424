// The client side of TLS (`upstreams.NAME.tls`, `redis.tls`): one reader
// for the TlsClientConfig map wherever it is written.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config/address.h"
#include "config/secret_file.h"
#include "config/sections.h"

namespace centinela::config {
namespace {

// A DNS name as SNI carries it (RFC 6066 §3: no IP literal, no port).
bool valid_sni(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.') return false;
  if (parse_ip_address(name)) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

// A file the TLS settings name, taken beside the config file when relative:
// its resolved path when it can be opened (what is in it is checked when the
// TLS context is built: tls/client_context.h).
void read_tls_file(ErrorList& errors, MapFields& fields, std::string_view key, std::string& out) {
  std::string written;
  if (!fields.read(key, written)) return;
  const YAML::Node& node = *fields.find(key);
  if (written.empty()) {
    errors.add(node, fields.path_of(key) + ": expected a file name, got nothing");
    return;
  }
  const std::filesystem::path path = resolve_beside(errors.file(), written);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    errors.add(node, fields.path_of(key) + ": '" + path.string() + "' is a directory");
    return;
  }
  if (!std::ifstream(path, std::ios::binary)) {
    errors.add(node, fields.path_of(key) + ": cannot open '" + path.string() + "'");
    return;
  }
  out = path.string();
}

}  // namespace

// `tls: true` (every default), `tls: false` (cleartext), or
// {verify, ca, sni, client_cert, client_key}.
void read_tls_client(ErrorList& errors, const YAML::Node& node, const std::string& path,
                     std::optional<TlsClientConfig>& out) {
  if (is_switched_off(node)) return;
  TlsClientConfig tls;
  tls.line = node.Mark().line + 1;
  if (is_switched_on(node)) {
    out = std::move(tls);
    return;
  }
  MapFields fields(errors, node, path, {"verify", "ca", "sni", "client_cert", "client_key"});
  if (!fields.is_map()) return;
  fields.read("verify", tls.verify);
  read_tls_file(errors, fields, "ca", tls.ca);
  if (fields.read("sni", tls.sni) && !valid_sni(tls.sni)) {
    errors.add(*fields.find("sni"), fields.path_of("sni") + ": '" + tls.sni +
                                        "' is not a host name (SNI carries names, not addresses)");
  }
  read_tls_file(errors, fields, "client_cert", tls.client_cert);
  read_tls_file(errors, fields, "client_key", tls.client_key);
  const bool has_cert = fields.find("client_cert") != nullptr;
  const bool has_key = fields.find("client_key") != nullptr;
  if (has_cert != has_key) {
    errors.add(node, path + ": `client_cert` and `client_key` go together (PEM files)");
  }
  if (!tls.verify && fields.find("ca") != nullptr) {
    errors.add(*fields.find("ca"),
               fields.path_of("ca") + ": has no use with `verify: false` (nothing is verified)");
  }
  out = std::move(tls);
}

}  // namespace centinela::config
