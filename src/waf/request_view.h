// The request as the CRS rules read it: ModSecurity's request variables, with
// the names and values libmodsecurity 3.0.9 gives them (checked against it in
// tests/unit/waf). Built in the request's arena: the head once, then the body
// once; nothing is allocated outside the arena.
//
// Collections hold Variables in the order they were found: `name` is the key
// a rule selects (ARGS:name, REQUEST_HEADERS:User-Agent), `value` what is
// matched. The *_NAMES collections hold each name as both. Single values
// (REQUEST_URI...) are collections of one, or of none when libmodsecurity
// leaves the variable unset (QUERY_STRING without a query, REQUEST_BODY
// without a body, REQBODY_ERROR before the body phase...).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "stage/arena.h"
#include "waf/json_body.h"
#include "waf/multipart_body.h"

namespace centinela::stage {
struct RequestContext;
}

namespace centinela::waf {

struct Variable {
  std::string_view name;
  std::string_view value;
  // A deep-decoded view of the value before it (decode::DecoderSet: the
  // decoders that revealed it); 0 for a value as the request holds it.
  std::uint16_t decoded = 0;
};

enum class Collection : std::uint8_t {
  args,                    // ARGS: query, then body (urlencoded, multipart fields, JSON)
  args_get,                // ARGS_GET: the query
  args_post,               // ARGS_POST: urlencoded and multipart bodies (not JSON)
  args_names,              // ARGS_NAMES
  args_get_names,          // ARGS_GET_NAMES
  args_post_names,         // ARGS_POST_NAMES
  request_headers,         // REQUEST_HEADERS: names as sent, one per field line
  request_headers_names,   // REQUEST_HEADERS_NAMES
  request_cookies,         // REQUEST_COOKIES (value not decoded)
  request_cookies_names,   // REQUEST_COOKIES_NAMES
  files,                   // FILES: field name → filename
  files_names,             // FILES_NAMES
  multipart_part_headers,  // MULTIPART_PART_HEADERS: part name → header line
  xml,                     // XML: "/*" → the document's text (XML bodies only)
  request_uri,             // REQUEST_URI: URI percent-decoded (path of an absolute URI)
  request_uri_raw,         // REQUEST_URI_RAW: the target as sent
  request_filename,        // REQUEST_FILENAME: decoded path without the query
  request_basename,        // REQUEST_BASENAME: its last segment (absent when empty)
  request_line,            // REQUEST_LINE: "GET /a?b HTTP/1.1"
  request_method,          // REQUEST_METHOD
  request_protocol,        // REQUEST_PROTOCOL: "HTTP/1.1"
  query_string,            // QUERY_STRING: raw, without '?'
  request_body,            // REQUEST_BODY: the inspected bytes (non-empty bodies)
  args_combined_size,      // ARGS_COMBINED_SIZE: names + values of query, urlencoded, JSON
                           // ("27.000000")
  reqbody_processor,       // REQBODY_PROCESSOR: URLENCODED, MULTIPART, JSON, XML
  reqbody_error,           // REQBODY_ERROR: "0" or "1" once the body is added (unset: urlencoded)
  reqbody_error_msg,       // REQBODY_ERROR_MSG
  urlencoded_error,        // URLENCODED_ERROR: "0", "1" after an invalid %-escape
  remote_addr,             // REMOTE_ADDR: the client's IP
};
inline constexpr std::size_t kCollections = static_cast<std::size_t>(Collection::remote_addr) + 1;

// SecLang's name ("ARGS", "request_headers_names": case-insensitive); nothing
// for variables the view does not provide (TX, IP, RESPONSE_*...).
std::optional<Collection> collection_named(std::string_view name);
std::string_view name_of(Collection collection);  // "ARGS"

enum class BodyProcessor : std::uint8_t { none, urlencoded, multipart, json, xml };

// The processor a Content-Type selects, as libmodsecurity's built-in choice
// (urlencoded, multipart) and the recommended modsecurity.conf rules (JSON:
// application/json, extended here to any `+json`; XML: application/xml,
// text/xml, application/soap+xml, any `+xml`) choose it.
BodyProcessor body_processor_for(std::string_view content_type);
std::string_view to_string(BodyProcessor processor);  // "" for none

// The deep decoding of values (waf.decode; decode/deep_decode.h): each view
// of an argument, cookie, User-Agent or Referer that decodes to new text is
// added after the values, under the same name, marked `decoded`.
struct ViewDecoding {
  bool base64 = true;
  bool hex = true;
  bool unicode = true;
  unsigned max_depth = 0;                  // 0: no deep decoding
  std::size_t value_bytes = 16 * 1024;     // a value's first bytes are decoded
  std::size_t request_bytes = 256 * 1024;  // bound of a request's views
};

struct ViewLimits {
  unsigned max_arguments = 4096;  // ARGS from query and body together
  JsonLimits json;
  MultipartLimits multipart;
  ViewDecoding decoding;
  // A body without Content-Type is read as a form (the api profile: clients
  // that forget the header still send key=value).
  bool untyped_body_as_form = false;
};

class RequestView {
 public:
  explicit RequestView(stage::Arena& arena, ViewLimits limits = {});
  RequestView(const RequestView&) = delete;
  RequestView& operator=(const RequestView&) = delete;

  // The head: request line, headers, cookies, query arguments, and the body
  // processor the Content-Type selects. Call once, first.
  void add_head(const stage::RequestContext& ctx);

  // The body (its first bytes when `complete` is false: then it is walked as
  // far as it goes). Call once, also for a request without a body (empty,
  // complete): libmodsecurity's body phase always runs and sets REQBODY_ERROR.
  void add_body(std::string_view body, bool complete);

  std::span<const Variable> get(Collection collection) const {
    const Items& items = collections_[static_cast<std::size_t>(collection)];
    return {items.data, items.size};
  }
  // The single value of a one-value collection; empty when unset.
  std::string_view value(Collection collection) const;

  BodyProcessor body_processor() const { return processor_; }
  bool body_error() const { return body_error_; }
  bool body_truncated() const { return body_truncated_; }
  // ARGS reached ViewLimits::max_arguments: later arguments were left out.
  bool arguments_limited() const { return arguments_limited_; }

 private:
  class Sink;
  friend class Sink;

  // A growing array in the arena (a grown-out block stays until the request ends).
  struct Items {
    Variable* data = nullptr;
    std::uint32_t size = 0;
    std::uint32_t capacity = 0;
  };

  void add(Collection collection, std::string_view name, std::string_view value,
           std::uint16_t decoded = 0);
  void set(Collection collection, std::string_view value) { add(collection, {}, value); }
  void replace(Collection collection, std::string_view value);
  bool add_argument(std::string_view name, std::string_view value, ArgumentOrigin origin);
  // A copy in the arena, unless `text` already lies in the arena's body copy.
  std::string_view keep(std::string_view text);
  void add_uri(std::string_view method, std::string_view target, unsigned version);
  void add_headers(const stage::RequestContext& ctx);
  void add_cookies(std::string_view header);
  void set_body_error(std::string_view message);
  std::string_view combined_size_text();
  void walk_body(std::string_view body, bool complete);
  // Deep-decoded views of the values added since the last call
  // (request_view_decode.cpp).
  void add_decoded_views();
  void add_views_of(Collection collection, std::uint32_t from);
  void add_views(Collection collection, const Variable& variable);
  void add_referer_views(const Variable& referer);

  stage::Arena& arena_;
  ViewLimits limits_;
  std::array<Items, kCollections> collections_{};
  BodyProcessor processor_ = BodyProcessor::none;
  std::string_view content_type_;
  std::string_view body_;    // the arena's copy
  std::string_view stable_;  // text that outlives the view (the target): kept without a copy
  std::uint64_t combined_size_ = 0;
  bool size_counted_ = false;  // an argument went through libmodsecurity's addArgument
  unsigned arguments_ = 0;
  bool body_error_ = false;
  bool body_truncated_ = false;
  bool arguments_limited_ = false;
  bool has_content_type_ = false;
  // Per collection: values already given their decoded views.
  std::array<std::uint32_t, kCollections> decoded_upto_{};
  std::size_t decoded_bytes_ = 0;
};

}  // namespace centinela::waf
