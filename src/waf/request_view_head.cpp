// The head's variables, as libmodsecurity's processURI and addRequestHeader
// set them.
#include <algorithm>
#include <cctype>

#include "stage/request_context.h"
#include "waf/request_view.h"
#include "waf/urlencoded.h"
#include "waf/view_sink.h"

namespace centinela::waf {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool is_named(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != lower[i]) return false;
  }
  return true;
}

// libmodsecurity's utils::uri_decode: %XX decoded, '+' kept.
std::string_view uri_decode(std::string_view text, stage::Arena& arena) {
  if (text.find('%') == std::string_view::npos) return text;
  auto* out = static_cast<char*>(arena.allocate(text.size(), 1));
  std::size_t size = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out[size++] = static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out[size++] = text[i];
  }
  return {out, size};
}

// The path of an absolute URI ("http://h/p" → "/p"), as processURI finds it.
std::string_view uri_path(std::string_view decoded) {
  if (decoded.empty() || decoded[0] == '/') return decoded;
  const std::size_t colon = decoded.find(':');
  if (colon == std::string_view::npos) return decoded;
  const std::size_t scheme = colon + 1;
  if (decoded.find("//", scheme) != scheme) return decoded;
  const std::size_t path = decoded.find('/', scheme + 2);
  return path == std::string_view::npos ? decoded : decoded.substr(path);
}

std::string_view http_version(unsigned version) {
  switch (version) {
    case 10:
      return "1.0";
    case 20:
      return "2.0";
    default:
      return "1.1";
  }
}

}  // namespace

void RequestView::add_head(const stage::RequestContext& ctx) {
  const std::string_view target =
      ctx.target_as_sent.empty() ? std::string_view(ctx.request.target()) : ctx.target_as_sent;
  set(Collection::urlencoded_error, "0");
  stable_ = target;
  add_uri(ctx.request.method_string(), target, ctx.request.version());
  stable_ = {};
  add_headers(ctx);
  if (!ctx.client_ip.empty()) set(Collection::remote_addr, ctx.client_ip);
  if (!has_content_type_ && limits_.untyped_body_as_form) {
    processor_ = BodyProcessor::urlencoded;
    replace(Collection::reqbody_processor, to_string(processor_));
  }
  add_decoded_views();
}

void RequestView::add_uri(std::string_view method, std::string_view target, unsigned version) {
  const std::string_view http = http_version(version);
  set(Collection::request_method, method);
  // "GET /a?b HTTP/1.1", written straight into the arena.
  const std::size_t size = method.size() + 1 + target.size() + 6 + http.size();
  auto* line = static_cast<char*>(arena_.allocate(size, 1));
  char* at = std::copy(method.begin(), method.end(), line);
  *at++ = ' ';
  at = std::copy(target.begin(), target.end(), at);
  at = std::copy_n(" HTTP/", 6, at);
  std::copy(http.begin(), http.end(), at);
  const std::string_view kept_line(line, size);
  set(Collection::request_line, kept_line);
  set(Collection::request_protocol, kept_line.substr(kept_line.size() - 5 - http.size()));
  // A fragment stays only in REQUEST_URI_RAW and REQUEST_LINE.
  const std::string_view uri = target.substr(0, target.find('#'));
  const std::size_t raw_query = uri.find('?');
  const std::string_view decoded = uri_decode(uri, arena_);
  // The path ends at the first '?' of the decoded URI (so does an encoded %3F).
  const std::string_view path = decoded.substr(0, decoded.find('?'));
  set(Collection::request_filename, path);
  const std::size_t slash = path.find_last_of("/\\");
  if (slash != std::string_view::npos && path.size() > slash + 1) {
    set(Collection::request_basename, path.substr(slash + 1));
  }
  set(Collection::request_uri, uri_path(decoded));
  set(Collection::request_uri_raw, target);
  if (raw_query == std::string_view::npos) return;
  const std::string_view query = uri.substr(raw_query + 1);
  set(Collection::query_string, query);
  if (query.empty()) return;
  Sink sink(*this, true);
  if (walk_urlencoded(query, ArgumentOrigin::query, sink).invalid_encoding) {
    replace(Collection::urlencoded_error, "1");
  }
  if (size_counted_) {
    replace(Collection::args_combined_size, combined_size_text());
  }
}

void RequestView::add_headers(const stage::RequestContext& ctx) {
  for (const auto& field : ctx.request) {
    const std::string_view name = field.name_string();
    const std::string_view value = field.value();
    add(Collection::request_headers, name, value);
    add(Collection::request_headers_names, name, name);
    if (is_named(name, "cookie")) add_cookies(value);
    if (is_named(name, "content-type")) {
      has_content_type_ = true;
      const BodyProcessor processor = body_processor_for(value);
      // Like libmodsecurity, a Content-Type it does not know keeps the choice.
      if (processor != BodyProcessor::none) {
        processor_ = processor;
        content_type_ = value;
        replace(Collection::reqbody_processor, to_string(processor));
      }
    }
  }
}

void RequestView::add_cookies(std::string_view header) {
  // Pieces between ';' (none after a trailing one); the last loses trailing
  // whitespace, each name its leading whitespace; values stay as sent.
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t end = header.find(';', start);
    // std::getline's pieces: a ';' at the very end opens no piece.
    const bool last = end == std::string_view::npos || end + 1 == header.size();
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(start, end - start);
    start = end + 1;
    if (last) {
      while (!pair.empty() && is_space(pair.back())) pair.remove_suffix(1);
    }
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    std::string_view name = pair.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    while (!name.empty() && is_space(name.front())) name.remove_prefix(1);
    if (name.empty()) continue;
    add(Collection::request_cookies, name, value);
    add(Collection::request_cookies_names, name, name);
  }
}

}  // namespace centinela::waf
