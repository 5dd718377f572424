#include "net/request_intake.h"

#include "http/authority.h"
#include "http/request_line.h"
#include "proxy/route.h"

namespace centinela::net {
namespace {

std::string_view as_view(const beast::flat_buffer& buffer) {
  auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

Refusal refusal_for_parse_error(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return {413, "request body too large"};
  if (ec == http::error::header_limit) return {431, "request headers too large"};
  return {400, "malformed request"};
}

// This listener's address as an authority, read once per connection and
// only for requests that need it (HTTP/1.0 without Host).
std::string_view local_authority(tcp::socket& socket, std::string& storage) {
  if (!storage.empty()) return storage;
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);
  if (ec) return storage;
  const auto address = local.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    storage = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  } else if (address.is_v6()) {
    storage = "[" + address.to_string() + "]";
  } else {
    storage = address.to_string();
  }
  storage += ':';
  storage += std::to_string(local.port());
  return storage;
}

std::string_view flag_reason(std::uint8_t flags) {
  if ((flags & centinela::http::kEncodedSlash) != 0)
    return "request path has an encoded '/' or '\\'";
  if ((flags & centinela::http::kEncodedNul) != 0) return "request path has an encoded NUL";
  return "request path climbs above the root";
}

}  // namespace

Refusal refuse_first_line(std::string_view received) {
  switch (centinela::http::check_first_line(received)) {
    case centinela::http::RequestLineError::none:
      return {};
    case centinela::http::RequestLineError::unsupported_version:
      return {505, "HTTP version not supported"};
    default:
      return {400, "malformed request line"};
  }
}

Refusal parse_head(RequestParser& parser, beast::flat_buffer& buffer,
                   const centinela::http::HeaderBlockScan& scan) {
  if (scan.status == centinela::http::HeaderBlockStatus::too_large)
    return {431, "request headers too large"};
  if (scan.status != centinela::http::HeaderBlockStatus::complete)
    return {400, "malformed request head"};
  buffer.consume(scan.skip);
  const std::string_view block = as_view(buffer).substr(0, scan.size - scan.skip);
  if (const centinela::http::HeadVerdict verdict = centinela::http::vet_request_head(block);
      !verdict.ok()) {
    return {verdict.status, verdict.reason};
  }
  beast::error_code ec;
  const std::size_t used = parser.put(asio::buffer(block.data(), block.size()), ec);
  if (ec) return refusal_for_parse_error(ec);
  buffer.consume(used);
  if (!parser.is_header_done()) return {400, "malformed request head"};
  return {};
}

Refusal vet_parsed_request(RequestParser& parser, tcp::socket& socket, IntakeBuffers& buffers,
                           centinela::http::VettedRequest& vetted, std::size_t normal_host_size) {
  auto& req = parser.get();
  const auto [first_host, last_host] = req.equal_range(http::field::host);
  centinela::http::RequestFacts facts;
  facts.method = req.method_string();
  facts.method_known = req.method() != http::verb::unknown;
  facts.version = req.version();
  facts.target = req.target();
  facts.host_fields = static_cast<std::size_t>(std::distance(first_host, last_host));
  if (facts.host_fields == 1) {
    facts.host = first_host->value();
    facts.normal_host_size = normal_host_size;
  }
  vetted = centinela::http::vet_request(facts, buffers.path, buffers.authority);
  if (!vetted.ok()) return {vetted.status, vetted.reason};
  if (vetted.needs_authority) {
    const auto local = centinela::http::normalize_authority(
        local_authority(socket, buffers.local_authority), buffers.authority);
    if (!local.ok()) return {400, "missing Host header"};
    vetted.host_size = local.host_size;
  }
  // The upstream is told the Host that is routed and keyed (set only when
  // it differs, so a request already in normal form allocates nothing).
  if (first_host == last_host || first_host->value() != buffers.authority) {
    req.set(http::field::host, buffers.authority);
  }
  return {};
}

Refusal settle_target(RequestParser& parser, const proxy::Route* route, IntakeBuffers& buffers,
                      const centinela::http::VettedRequest& vetted, std::string_view& path,
                      std::string_view& query) {
  auto& req = parser.get();
  const centinela::http::RequestTarget& sent = vetted.target;
  const bool normalize = route == nullptr || route->config().normalize_path;
  if (normalize && vetted.path_flags != 0) return {400, flag_reason(vetted.path_flags)};
  const bool unchanged = sent.form == centinela::http::TargetForm::origin &&
                         (!normalize || (sent.path == buffers.path && !sent.query_needs_escapes));
  buffers.sent_target.clear();
  if (!unchanged) {
    buffers.sent_target.assign(req.target());
    // Built aside first: the views in `vetted` point into the old target.
    if (normalize) {
      buffers.target = buffers.path;
    } else {
      buffers.target.assign(sent.path.empty() ? "/" : "");
      buffers.target += sent.path;
    }
    if (sent.has_query) {
      buffers.target += '?';
      if (normalize) {
        centinela::http::append_normal_query(sent.query, buffers.target);
      } else {
        buffers.target += sent.query;
      }
    }
    req.target(buffers.target);
  }
  const std::string_view target = req.target();
  const std::size_t question = target.find('?');
  path = target.substr(0, question);
  query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  return {};
}

}  // namespace centinela::net
