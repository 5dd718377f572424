#include "waf/request_view.h"

#include <algorithm>

#include "waf/body_parsers.h"
#include "waf/text.h"

namespace centinela::waf {

std::string_view body_processor_name(BodyProcessor p) {
  switch (p) {
    case BodyProcessor::urlencoded:
      return "URLENCODED";
    case BodyProcessor::multipart:
      return "MULTIPART";
    case BodyProcessor::json:
      return "JSON";
    case BodyProcessor::xml:
      return "XML";
    case BodyProcessor::none:
      break;
  }
  return "";
}

BodyProcessor processor_for(std::string_view content_type) {
  const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (type == "application/x-www-form-urlencoded") return BodyProcessor::urlencoded;
  if (type == "multipart/form-data") return BodyProcessor::multipart;
  // The recommended rules' patterns: 200001 (JSON), 200000 (XML).
  if (type == "application/json" || (type.size() > 5 && type.ends_with("+json"))) {
    return BodyProcessor::json;
  }
  if (type.starts_with("text/xml") || type.starts_with("application/xml") ||
      type.starts_with("application/soap+xml") || type.ends_with("+xml")) {
    return BodyProcessor::xml;
  }
  return BodyProcessor::none;
}

std::string_view header_value(const RequestView& view, std::string_view name) {
  for (const Field& f : view.headers) {
    if (iequals(f.name, name)) return f.value;
  }
  return {};
}

namespace {

// ModSecurity 3 splits a Cookie header on ';', drops the spaces that lead
// each piece, and keeps values as sent.
void add_cookies(RequestView& view, std::string_view header, const ViewLimits& limits) {
  std::size_t pos = 0;
  while (pos <= header.size() && view.cookies.size() < limits.max_fields) {
    std::size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view piece = header.substr(pos, end - pos);
    while (!piece.empty() && (piece.front() == ' ' || piece.front() == '\t')) {
      piece.remove_prefix(1);
    }
    if (!piece.empty()) {
      const std::size_t eq = piece.find('=');
      if (eq == std::string_view::npos) {
        view.cookies.push_back({piece, {}});
      } else {
        view.cookies.push_back({piece.substr(0, eq), piece.substr(eq + 1)});
      }
    }
    pos = end + 1;
  }
}

}  // namespace

void set_request_head(RequestView& view, std::string_view method, std::string_view target,
                      std::string_view version, const std::vector<Field>& headers,
                      const ViewLimits& limits) {
  view.method = view.keep(method);
  view.uri_raw = view.keep(target);
  std::string_view no_fragment = view.uri_raw.substr(0, view.uri_raw.find('#'));
  const std::size_t q = no_fragment.find('?');
  view.query = q == std::string_view::npos ? std::string_view{} : no_fragment.substr(q + 1);
  view.uri = view.keep(uri_decode(no_fragment));
  view.filename = view.uri.substr(0, view.uri.find('?'));
  const std::size_t slash = view.filename.find_last_of("/\\");
  // "/dir/" has an empty basename, present (as ModSecurity 2 gives it, on
  // which CRS's tests rely: 920200's chain on REQUEST_BASENAME).
  view.basename =
      slash == std::string_view::npos ? std::string_view{} : view.filename.substr(slash + 1);
  view.protocol = view.keep("HTTP/" + std::string(version));
  view.request_line =
      view.keep(std::string(method) + " " + std::string(target) + " " + std::string(view.protocol));
  parse_urlencoded(view, view.query, view.args_get, limits);
  for (const Field& h : headers) {
    if (view.headers.size() >= limits.max_fields) break;
    view.headers.push_back({view.keep(h.name), view.keep(h.value)});
    if (iequals(h.name, "cookie")) add_cookies(view, view.headers.back().value, limits);
  }
  // ModSecurity knows the body processor from the head (phase 1 rules read it).
  view.processor = processor_for(header_value(view, "content-type"));
}

void set_request_body(RequestView& view, std::string_view body, bool truncated,
                      const ViewLimits& limits) {
  view.body = view.keep(body);
  view.body_truncated = truncated;
  const std::string_view type = header_value(view, "content-type");
  view.processor = processor_for(type);
  switch (view.processor) {
    case BodyProcessor::urlencoded:
      parse_urlencoded(view, view.body, view.args_post, limits);
      break;
    case BodyProcessor::multipart:
      parse_multipart(view, type, limits);
      break;
    case BodyProcessor::json:
      parse_json(view, limits);
      break;
    case BodyProcessor::xml:
      parse_xml(view);
      break;
    case BodyProcessor::none:
      break;
  }
}

}  // namespace centinela::waf
