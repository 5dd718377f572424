#include "limit/rate_limit_key.h"

#include <algorithm>

#include "util/sha256.h"

namespace centinela::limit {
namespace {

std::string_view header_value(const stage::RequestContext& ctx, std::string_view name) {
  auto it = ctx.request.find(name);
  return it == ctx.request.end() ? std::string_view{} : std::string_view(it->value());
}

// A value from a client, an identity provider or a header, under its source's
// prefix, or "ip:" + the client IP when there is none: a subject or header
// value spelled "ip:203.0.113.5" is counted apart from that address.
void append_sourced_or_ip(std::string& out, std::string_view prefix, std::string_view value,
                          const stage::RequestContext& ctx) {
  if (!value.empty()) {
    out += prefix;
    append_key_part(out, value);
  } else {
    out += "ip:";
    append_key_part(out, ctx.client_ip);
  }
}

}  // namespace

std::string key_scope(std::string_view route_name, const Policy& policy) {
  std::string scope;
  scope += policy.global_scope ? std::string_view("*") : route_name;
  scope += '\n';
  scope += policy.name;
  scope += '\n';
  scope += policy.algorithm == Algorithm::gcra ? "gcra" : "sliding_window";
  scope += '\n';
  return scope;
}

void append_key_part(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::size_t n = std::min(value.size(), kMaxKeyPartBytes);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    // Escaped so that no value can forge the '|' between parts (nor two
    // values give one text), and no control byte reaches a log line.
    if (c < 0x20 || c == 0x7f || c == '|' || c == '%') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
}

void append_key_text(std::string& out, const Policy& policy, const stage::RequestContext& ctx,
                     std::string_view route_name) {
  bool first = true;
  for (const KeyPart& part : policy.key) {
    if (part.kind == KeyPart::Kind::global) continue;
    if (!first) out += '|';
    first = false;
    switch (part.kind) {
      case KeyPart::Kind::ip:
        append_key_part(out, ctx.client_ip);
        break;
      case KeyPart::Kind::user:
        append_sourced_or_ip(out, "user:", ctx.user, ctx);
        break;
      case KeyPart::Kind::api_key:
        // A secret: counted under its digest, so neither Redis keys nor the
        // admin API's key lists show it.
        if (ctx.api_key.empty()) {
          append_sourced_or_ip(out, {}, {}, ctx);
        } else {
          out += "key:";
          util::append_hex_sha256(out, ctx.api_key, kApiKeyDigestHexChars);
        }
        break;
      case KeyPart::Kind::header:
        append_sourced_or_ip(out, "header:", header_value(ctx, part.header), ctx);
        break;
      case KeyPart::Kind::client_cert:
        // The verified subject of an mTLS client certificate (none: the IP).
        append_sourced_or_ip(out, "cert:", ctx.tls_client_subject, ctx);
        break;
      case KeyPart::Kind::client_cert_sha256:
        // Its fingerprint: two CAs' certificates may share a subject, never this.
        append_sourced_or_ip(out, "certsha256:", ctx.tls_client_fingerprint, ctx);
        break;
      case KeyPart::Kind::route:
        append_key_part(out, route_name);
        break;
      case KeyPart::Kind::global:
        break;
    }
  }
}

std::string normalize_key_text(std::string_view text) {
  // Already in key-text form ('|' between parts, escapes as shown): only
  // control bytes are escaped, as the key text has none.
  std::string out;
  const std::size_t n = std::min(text.size(), kMaxKeyPartBytes * 8);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      append_key_part(out, text.substr(i, 1));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace centinela::limit
