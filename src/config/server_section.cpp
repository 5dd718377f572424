#include <algorithm>
#include <cctype>

#include "config/address.h"
#include "config/ascii.h"
#include "config/secret_file.h"
#include "config/sections.h"

namespace centinela::config {
namespace {

bool same_listener(const Endpoint& a, const Endpoint& b) {
  return a.port == b.port && ascii_lower(a.host) == ascii_lower(b.host);
}

// Parses one listener, reporting it if it repeats one in `in_use`.
std::optional<Endpoint> read_listener(ErrorList& errors, const YAML::Node& node,
                                      const std::string& path,
                                      const std::vector<Endpoint>& in_use) {
  auto text = read_string(errors, node, path);
  if (!text) return std::nullopt;
  auto parsed = parse_endpoint(*text);
  if (!parsed.value) {
    errors.add(node, path + ": " + parsed.error);
    return std::nullopt;
  }
  auto same = [&](const Endpoint& other) { return same_listener(other, *parsed.value); };
  if (std::any_of(in_use.begin(), in_use.end(), same)) {
    errors.add(node, path + ": duplicate listener '" + *text + "'");
    return std::nullopt;
  }
  return parsed.value;
}

void read_certificate(ErrorList& errors, const YAML::Node& node, const std::string& path,
                      TlsCertificateConfig& out) {
  MapFields fields(errors, node, path, {"cert", "key"});
  if (!fields.is_map()) return;
  if (fields.require("cert")) fields.read("cert", out.cert);
  if (fields.require("key")) fields.read("key", out.key);
}

void read_listener_tls(ErrorList& errors, const YAML::Node& node, const std::string& path,
                       ListenerTlsConfig& out) {
  MapFields fields(errors, node, path,
                   {"cert", "key", "certificates", "min_version", "ciphers", "ciphersuites",
                    "session_tickets", "client_auth", "client_ca"});
  if (!fields.is_map()) return;
  out.line = node.Mark().line + 1;
  // `cert`/`key` is the default certificate; `certificates` adds more for SNI.
  const bool has_cert = fields.find("cert") != nullptr;
  const bool has_key = fields.find("key") != nullptr;
  if (has_cert != has_key) {
    errors.add(node, path + ": `cert` and `key` go together");
  } else if (has_cert) {
    TlsCertificateConfig first;
    fields.read("cert", first.cert);
    fields.read("key", first.key);
    out.certificates.push_back(std::move(first));
  }
  if (const YAML::Node* list = fields.find("certificates")) {
    if (!list->IsSequence()) {
      errors.add(*list,
                 path + ".certificates: expected a list of {cert, key}, got " + describe(*list));
    } else {
      for (std::size_t i = 0; i < list->size(); ++i) {
        TlsCertificateConfig certificate;
        read_certificate(errors, (*list)[i], path + ".certificates[" + std::to_string(i) + "]",
                         certificate);
        out.certificates.push_back(std::move(certificate));
      }
    }
  }
  if (out.certificates.empty() && has_cert == has_key) {
    errors.add(node, path + ": a TLS listener needs a certificate: `cert` and `key` (PEM files)");
  }
  if (const YAML::Node* version = fields.find("min_version")) {
    auto text = read_string(errors, *version, path + ".min_version");
    if (text && *text != "1.2" && *text != "1.3") {
      errors.add(*version, path + ".min_version: expected \"1.2\" or \"1.3\", got '" + *text + "'");
    } else if (text) {
      out.min_version = *text;
    }
  }
  fields.read("ciphers", out.ciphers);
  fields.read("ciphersuites", out.ciphersuites);
  fields.read("session_tickets", out.session_tickets);
  if (const YAML::Node* auth = fields.find("client_auth")) {
    auto text = read_string(errors, *auth, path + ".client_auth");
    if (text && *text == "none") {
      out.client_auth = ClientAuth::none;
    } else if (text && *text == "optional") {
      out.client_auth = ClientAuth::optional;
    } else if (text && *text == "required") {
      out.client_auth = ClientAuth::required;
    } else if (text) {
      errors.add(*auth,
                 path + ".client_auth: expected none, optional or required, got '" + *text + "'");
    }
  }
  fields.read("client_ca", out.client_ca);
  if (out.client_auth != ClientAuth::none && out.client_ca.empty()) {
    errors.add(node,
               path + ": client_auth " +
                   std::string(out.client_auth == ClientAuth::required ? "required" : "optional") +
                   " needs `client_ca`, the PEM bundle client certificates chain to");
  }
}

// A `server.listen` entry: "host:port", or {address, tls, http2}.
std::optional<ListenerConfig> read_listener_entry(ErrorList& errors, const YAML::Node& node,
                                                  const std::string& path,
                                                  const std::vector<Endpoint>& in_use) {
  if (!node.IsMap()) {
    auto endpoint = read_listener(errors, node, path, in_use);
    if (!endpoint) return std::nullopt;
    return ListenerConfig{.endpoint = std::move(*endpoint)};
  }
  MapFields fields(errors, node, path, {"address", "tls", "http2"});
  ListenerConfig out;
  if (!fields.require("address")) return std::nullopt;
  auto endpoint = read_listener(errors, *fields.find("address"), path + ".address", in_use);
  if (!endpoint) return std::nullopt;
  out.endpoint = std::move(*endpoint);
  if (const YAML::Node* tls = fields.find("tls"); tls != nullptr && !is_switched_off(*tls)) {
    out.tls.emplace();
    read_listener_tls(errors, *tls, path + ".tls", *out.tls);
  }
  fields.read("http2", out.http2);
  return out;
}

void read_limits(ErrorList& errors, const YAML::Node& node, Limits& out) {
  MapFields fields(errors, node, "server.limits",
                   {"max_header_bytes", "max_body_bytes", "header_timeout", "idle_timeout",
                    "max_connections", "max_chunk_extension_bytes"});
  constexpr bool kPositive = true;
  fields.read_size("max_header_bytes", out.max_header_bytes, kPositive);
  fields.read_size("max_body_bytes", out.max_body_bytes, kPositive);
  fields.read_duration("header_timeout", out.header_timeout, kPositive);
  fields.read_duration("idle_timeout", out.idle_timeout, kPositive);
  fields.read("max_connections", out.max_connections, 1, 10'000'000);
  fields.read_size("max_chunk_extension_bytes", out.max_chunk_extension_bytes);
}

void read_trusted_proxies(ErrorList& errors, const YAML::Node& node, std::vector<CidrRange>& out) {
  const std::string path = "server.trusted_proxies";
  if (!node.IsSequence() && !node.IsScalar()) {
    errors.add(node, path + ": expected a list of addresses or CIDR ranges, got " + describe(node));
    return;
  }
  std::vector<YAML::Node> items;
  if (node.IsScalar()) {
    items.push_back(node);
  } else {
    for (const YAML::Node& item : node) items.push_back(item);
  }
  for (const YAML::Node& item : items) {
    auto text = read_string(errors, item, path);
    if (!text) continue;
    auto range = parse_cidr(*text);
    if (range.value) {
      out.push_back(*range.value);
    } else {
      errors.add(item, path + ": " + range.error);
    }
  }
}

bool is_loopback_host(const std::string& host) {
  if (ascii_lower(host) == "localhost") return true;
  const auto address = parse_ip_address(host);
  return address && is_loopback_address(*address);
}

// Host names as a browser sends them in Host: letters, digits, '-', '.', or "*".
void read_allowed_hosts(ErrorList& errors, const YAML::Node& node, std::vector<std::string>& out) {
  const std::string path = "admin.allowed_hosts";
  auto names = read_string_list(errors, node, path);
  if (!names) return;
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    const bool valid =
        name == "*" || (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
        }));
    if (!valid) {
      errors.add(list_item(node, i), path + ": '" + name +
                                         "' is not a host name (letters, digits, '-', '.'; "
                                         "no port), or \"*\" for any");
      continue;
    }
    out.push_back(ascii_lower(name));
  }
}

}  // namespace

void read_server(ErrorList& errors, const YAML::Node& node, ServerConfig& out) {
  MapFields fields(errors, node, "server",
                   {"listen", "workers", "drain_timeout", "limits", "trusted_proxies"});
  if (const YAML::Node* listen = fields.find("listen")) {
    std::vector<Endpoint> in_use;
    auto add = [&](const YAML::Node& item) {
      if (auto listener = read_listener_entry(errors, item, "server.listen", in_use)) {
        in_use.push_back(listener->endpoint);
        out.listen.push_back(std::move(*listener));
      }
    };
    if (listen->IsScalar() || listen->IsMap()) {
      add(*listen);
    } else if (listen->IsSequence() && listen->size() > 0) {
      for (const YAML::Node& item : *listen) add(item);
    } else {
      errors.add(*listen,
                 "server.listen: expected a list of host:port or {address, tls, http2}, got " +
                     (listen->IsSequence() ? std::string("an empty list") : describe(*listen)));
    }
  }
  fields.read("workers", out.workers, 0, 256);
  fields.read_duration("drain_timeout", out.drain_timeout);
  if (const YAML::Node* limits = fields.find("limits")) read_limits(errors, *limits, out.limits);
  if (const YAML::Node* proxies = fields.find("trusted_proxies")) {
    read_trusted_proxies(errors, *proxies, out.trusted_proxies);
  }
}

void read_admin(ErrorList& errors, const YAML::Node& node,
                const std::vector<ListenerConfig>& listeners_in_use, AdminConfig& out) {
  MapFields fields(errors, node, "admin",
                   {"listen", "token", "token_file", "allowed_hosts", "live_stats"});
  const YAML::Node* listen = fields.find("listen");
  if (listen != nullptr) {
    std::vector<Endpoint> in_use;
    for (const ListenerConfig& listener : listeners_in_use) in_use.push_back(listener.endpoint);
    out.listen = read_listener(errors, *listen, "admin.listen", in_use);
  }
  read_secret(fields, "token", out.token);
  if (const YAML::Node* hosts = fields.find("allowed_hosts")) {
    read_allowed_hosts(errors, *hosts, out.allowed_hosts);
  }
  fields.read("live_stats", out.live_stats);
  // Anyone who can reach an open admin API can purge the cache and reset
  // limits: off loopback it must ask for the token.
  // (A token_file that cannot be read is reported on its own.)
  if (out.listen && out.token.empty() && !fields.find("token_file") &&
      !is_loopback_host(out.listen->host)) {
    errors.add(*listen, "admin.listen: '" + out.listen->text +
                            "' is reachable from the network; set admin.token (or listen on "
                            "127.0.0.1)");
  }
}

}  // namespace centinela::config
