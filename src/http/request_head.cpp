#include "http/request_head.h"

#include "http/authority.h"
#include "http/chars.h"
#include "http/request_line.h"
#include "http/transfer_encoding.h"

namespace centinela::http {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

std::string_view target_reason(TargetError error) {
  switch (error) {
    case TargetError::bad_char:
      return "request target has a character outside RFC 3986";
    case TargetError::bad_escape:
      return "request target has an invalid percent-escape";
    case TargetError::userinfo:
      return "request target has userinfo";
    default:
      return "request target must be a path or an http(s) URL";
  }
}

VettedRequest refuse(unsigned status, std::string_view reason) {
  VettedRequest vetted;
  vetted.status = status;
  vetted.reason = reason;
  return vetted;
}

}  // namespace

HeadVerdict vet_request_head(std::string_view block) {
  while (block.starts_with("\r\n")) block.remove_prefix(2);
  std::size_t end = block.find("\r\n");
  RequestLine line;
  switch (parse_request_line(block.substr(0, end), line)) {
    case RequestLineError::none:
      break;
    case RequestLineError::unsupported_version:
      return {505, "HTTP version not supported"};
    default:
      return {400, "malformed request line"};
  }
  TransferEncoding coding = TransferEncoding::absent;
  while (end != std::string_view::npos) {
    block.remove_prefix(end + 2);
    end = block.find("\r\n");
    const std::string_view field = block.substr(0, end);
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) continue;  // Beast refuses it
    if (equals_ignoring_case(field.substr(0, colon), "transfer-encoding")) {
      coding = add_transfer_encoding(coding, field.substr(colon + 1));
    }
  }
  if (coding == TransferEncoding::absent) return {};
  // RFC 9112 §6.1 lets a server close after an HTTP/1.0 message with it;
  // refusing is safer than guessing how an older hop framed it.
  if (line.version == 10) return {400, "Transfer-Encoding in an HTTP/1.0 request"};
  if (coding == TransferEncoding::unsupported) {
    return {501, "Transfer-Encoding other than chunked is not implemented"};
  }
  return {};
}

VettedRequest vet_request(const RequestFacts& facts, std::string& path, std::string& authority) {
  path.clear();
  authority.clear();
  if (!facts.method_known || facts.method == "CONNECT") {
    return refuse(501, "method not implemented");
  }
  VettedRequest vetted;
  if (const TargetError error = parse_request_target(facts.target, vetted.target);
      error != TargetError::none) {
    return refuse(400, target_reason(error));
  }
  if (facts.host_fields > 1) return refuse(400, "more than one Host header");
  if (facts.host_fields == 0 && facts.version == 11) return refuse(400, "missing Host header");
  if (facts.host_fields == 1 && facts.normal_host_size != 0) {
    authority.assign(facts.host);  // normalising it again would change nothing
    vetted.host_size = facts.normal_host_size;
  } else if (facts.host_fields == 1) {
    // RFC 9112 §3.2: an invalid Host is refused even when an absolute-form
    // target's authority replaces it.
    const AuthorityResult host = normalize_authority(facts.host, authority);
    if (host.error == AuthorityError::empty) return refuse(400, "empty Host header");
    if (!host.ok()) return refuse(400, "invalid Host header");
    vetted.host_size = host.host_size;
  }
  if (vetted.target.form == TargetForm::absolute) {
    const AuthorityResult target_host = normalize_authority(vetted.target.authority, authority);
    if (!target_host.ok()) return refuse(400, "invalid authority in the request target");
    vetted.host_size = target_host.host_size;
  }
  vetted.needs_authority = authority.empty();
  if (vetted.target.form == TargetForm::asterisk) {
    if (facts.method != "OPTIONS") return refuse(400, "request target '*' is for OPTIONS only");
    // (Not `path = "*"`: GCC 12 inlines that into a memcpy it then reports
    // as overlapping, a -Wrestrict false positive.)
    path.assign(1, '*');
    return vetted;
  }
  const PathResult normalized = normalize_path(vetted.target.path, path);
  if (!normalized.ok()) return refuse(400, target_reason(normalized.error));
  vetted.path_flags = normalized.flags;
  return vetted;
}

}  // namespace centinela::http
