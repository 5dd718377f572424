#include "net/cache_response.h"

#include <boost/beast/core/string.hpp>
#include <charconv>

#include "cache/freshness.h"
#include "cache/memory_store.h"
#include "compress/encoder.h"
#include "net/body_writer.h"
#include "net/compression_stage.h"
#include "net/deadline.h"
#include "net/head_writer.h"
#include "net/worker.h"
#include "proxy/route.h"
#include "proxy/runtime.h"

namespace centinela::net {
namespace {

std::string_view opaque_tag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  return etag;
}

// Weak comparison (RFC 9110 §8.8.3.2) of one list against one entity tag.
bool none_match_lists(std::string_view list, std::string_view etag) {
  if (etag.empty()) return false;
  const std::string_view want = opaque_tag(etag);
  std::size_t items = 0;
  while (!list.empty() && items++ < 64) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || opaque_tag(item) == want) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

void append_line(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

}  // namespace

bool client_has_current(const proxy::RequestHead& request, const cache::CacheEntry& entry) {
  if (entry.status_code != 200) return false;
  auto none_match = request.find(http::field::if_none_match);
  if (none_match != request.end()) return none_match_lists(none_match->value(), entry.etag);
  auto since = request.find(http::field::if_modified_since);
  if (since == request.end() || entry.last_modified.empty()) return false;
  const auto since_time = cache::parse_http_date(since->value());
  const auto modified = cache::parse_http_date(entry.last_modified);
  return since_time && modified && *modified <= *since_time;
}

asio::awaitable<void> send_cached(Exchange& ex, const cache::CacheEntry& entry,
                                  const CachedAnswer& answer, cache::MemoryStore* store) {
  const auto& request = ex.parser.get();
  const auto& route = *ex.ctx.route;
  const bool not_modified = client_has_current(request, entry);

  // The coding: the origin's own, or one this gateway makes once per entry.
  std::string_view body_view = entry.content;
  std::string_view content_encoding = entry.content_encoding;
  std::string_view etag = entry.etag;
  bool vary_accept_encoding = false;
  const auto& policy = route.config().compression;
  if (policy.enabled && entry.transformable()) {
    auto accept = request.find(http::field::accept_encoding);
    const compress::Coding coding = choose_coding(
        policy, accept != request.end() ? std::string_view(accept->value()) : std::string_view{},
        entry.status_code, entry.content_type, {}, {}, entry.content.size(), vary_accept_encoding);
    if (coding != compress::Coding::identity) {
      const stage::Variant* encoded = entry.variant(static_cast<int>(coding));
      if (encoded == nullptr) {
        auto made = std::make_unique<stage::Variant>();
        made->id = static_cast<int>(coding);
        if (compress::compress_all(coding, entry.content, made->body,
                                   policy_level(policy, coding))) {
          if (!entry.etag.empty()) made->etag = weaken_etag(entry.etag);
          const std::size_t size = made->body.size() + made->etag.size();
          encoded = entry.publish_variant(std::move(made));
          if (store != nullptr) store->charge_more(entry.key, size);
        }
      }
      if (encoded != nullptr) {
        body_view = encoded->body;
        content_encoding = compress::coding_token(coding);
        etag = encoded->etag;
      }
    }
  }

  proxy::ResponseHead head;
  head.result(not_modified ? 304 : entry.status_code);
  if (route.config().cors.enabled) run_response_filters(ex, head);
  // Without CORS no filter changes a head (static blocks are lines), so the
  // field set stays empty and costs nothing.

  const bool keep_alive = ex.client_keep_alive && !ex.close_connection && !ex.worker.draining();
  if (!keep_alive) ex.close_connection = true;
  if (!ex.parser.is_done()) ex.close_connection = true;

  std::string& out = ex.head_buffer;
  out.clear();
  append_response_head(head, ex.client_version, &route.static_headers(), out);
  out += entry.header_lines;
  out += answer.client_lines;
  append_line(out, "Date", ex.worker.http_date());
  if (!entry.content_type.empty()) append_line(out, "Content-Type", entry.content_type);
  if (!entry.last_modified.empty()) append_line(out, "Last-Modified", entry.last_modified);
  if (!etag.empty()) append_line(out, "ETag", etag);
  if (!content_encoding.empty()) append_line(out, "Content-Encoding", content_encoding);
  if (!entry.vary_names.empty() || vary_accept_encoding) {
    out += "Vary: ";
    bool first = true;
    bool listed = false;
    for (const auto& name : entry.vary_names) {
      if (!first) out += ", ";
      out += name;
      first = false;
      listed = listed || name == "accept-encoding";
    }
    if (vary_accept_encoding && !listed) out += first ? "Accept-Encoding" : ", Accept-Encoding";
    out += "\r\n";
  }
  char number[24];
  auto age_end = std::to_chars(number, number + sizeof number, answer.age).ptr;
  append_line(out, "Age", std::string_view(number, static_cast<std::size_t>(age_end - number)));
  append_line(out, "X-Cache", answer.x_cache);
  out += "Cache-Status: centinela; ";
  out += answer.cache_status;
  if (answer.x_cache == "HIT" || answer.x_cache == "STALE") {
    out += "; ttl=";
    auto ttl_end = std::to_chars(number, number + sizeof number, answer.ttl).ptr;
    out.append(number, static_cast<std::size_t>(ttl_end - number));
  }
  out += "\r\n";
  append_line(out, "X-Request-ID", ex.ctx.request_id);
  append_context_headers(ex, out);
  const bool has_body = !not_modified && entry.status_code != 204 && entry.status_code >= 200;
  if (not_modified) {
    append_framing(out, BodyFraming::none, 0, !keep_alive, keep_alive && ex.client_version < 11);
  } else {
    append_framing(out, BodyFraming::length, has_body ? body_view.size() : 0, !keep_alive,
                   keep_alive && ex.client_version < 11);
  }

  ex.status = not_modified ? 304 : entry.status_code;
  ex.cache_status = answer.x_cache;
  BodyPiece piece{out};
  if (has_body && !ex.head_request) {
    piece.data = body_view.data();
    piece.size = body_view.size();
  }
  piece.last = true;
  const auto& limits = ex.runtime.config().server.limits;
  ex.watch.arm(ex.client, SteadyClock::now() + limits.idle_timeout);
  auto [ec, n] = co_await write_body_piece(ex.client, BodyFraming::length, piece);
  ex.watch.disarm();
  ex.bytes_sent += n;
  if (ec) ex.close_connection = true;
}

}  // namespace centinela::net
