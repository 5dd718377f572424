#include "h2/request_head.h"

#include <charconv>

#include "http/authority.h"
#include "http/chars.h"
#include "http/http2_fields.h"

namespace centinela::h2 {

namespace http = boost::beast::http;
namespace wire = centinela::http;

void RequestHeadBuilder::reset() {
  list_bytes_ = 0;
  too_large_ = false;
  for (std::string* text :
       {&method_, &scheme_, &path_, &authority_in_, &host_in_, &cookie_, &authority_}) {
    text->clear();
  }
  have_method_ = have_scheme_ = have_path_ = have_authority_ = have_host_ = false;
  regular_seen_ = false;
  content_length_.reset();
  host_size_ = 0;
  malformed_ = {};
}

bool RequestHeadBuilder::malformed(std::string_view why) {
  if (malformed_.empty()) malformed_ = why;
  return false;
}

bool RequestHeadBuilder::add_pseudo(std::string_view name, std::string_view value) {
  if (regular_seen_) return malformed("pseudo-header after a regular field");
  // Plain comparisons (lengths first), no table built per call: every
  // request has four of these.
  std::string* slot = &authority_in_;
  bool* seen = &have_authority_;
  if (name == ":method") {
    slot = &method_;
    seen = &have_method_;
  } else if (name == ":scheme") {
    slot = &scheme_;
    seen = &have_scheme_;
  } else if (name == ":path") {
    slot = &path_;
    seen = &have_path_;
  } else if (name != ":authority") {
    return malformed("unknown pseudo-header");
  }
  if (*seen) return malformed("repeated pseudo-header");
  for (char c : value) {
    if (c == '\0' || c == '\r' || c == '\n')
      return malformed("control character in a pseudo-header");
  }
  *seen = true;
  slot->assign(value);
  return true;
}

bool RequestHeadBuilder::add_content_length(std::string_view value) {
  std::uint64_t length = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    return malformed("content-length is not a number");
  }
  if (content_length_ && *content_length_ != length)
    return malformed("content-length values disagree");
  if (!content_length_) head_.set(http::field::content_length, value);
  content_length_ = length;
  return true;
}

bool RequestHeadBuilder::add(std::string_view name, std::string_view value) {
  if (!malformed_.empty() || too_large_) return false;
  list_bytes_ += name.size() + value.size() + 32;
  if (list_bytes_ > max_list_bytes_) {
    // Nothing more is kept: the rest of the block only costs memory.
    too_large_ = true;
    return false;
  }
  if (!name.empty() && name.front() == ':') return add_pseudo(name, value);
  regular_seen_ = true;
  if (wire::check_http2_field(name, value) != wire::Http2FieldVerdict::ok) {
    return malformed("field not allowed in HTTP/2 (RFC 9113 §8.2)");
  }
  if (name == "content-length") return add_content_length(value);
  if (name == "cookie") {
    // Split crumbs are joined back for HTTP/1.1 (RFC 9113 §8.2.3).
    if (!cookie_.empty()) cookie_ += "; ";
    cookie_ += value;
    return true;
  }
  if (name == "host") {
    if (have_host_) return malformed("repeated host");
    have_host_ = true;
    host_in_.assign(value);
    return true;
  }
  head_.insert(name, value);
  return true;
}

HeadResult RequestHeadBuilder::finish() {
  if (!malformed_.empty()) return {HeadVerdict::malformed, malformed_};
  if (too_large_) return {HeadVerdict::too_large, "header list too large"};
  if (!have_method_) return {HeadVerdict::malformed, "no :method"};
  if (method_ == "CONNECT") return {HeadVerdict::not_allowed, "CONNECT is not served over HTTP/2"};
  if (!have_scheme_ || !have_path_) return {HeadVerdict::malformed, "no :scheme or :path"};
  if (path_.empty()) return {HeadVerdict::malformed, "empty :path"};
  if (path_ == "*" ? method_ != "OPTIONS" : path_.front() != '/') {
    return {HeadVerdict::malformed, ":path is neither origin-form nor * for OPTIONS"};
  }
  if (scheme_ != "http" && scheme_ != "https") return {HeadVerdict::malformed, "unknown :scheme"};
  for (char c : method_) {
    if (!wire::is_tchar(c)) {
      return {HeadVerdict::malformed, ":method is not a token"};
    }
  }
  if (method_.empty()) return {HeadVerdict::malformed, "empty :method"};
  // The authority: :authority, else Host (§8.3.1); both present must name the
  // same host once normalised, or the upstream and the routes could disagree.
  const std::string_view given = have_authority_ ? authority_in_ : host_in_;
  if (!have_authority_ && !have_host_) return {HeadVerdict::bad_request, "no :authority or host"};
  const auto vetted = wire::normalize_authority(given, authority_);
  if (!vetted.ok()) return {HeadVerdict::bad_request, "invalid :authority"};
  host_size_ = vetted.host_size;
  if (have_authority_ && have_host_) {
    std::string host_normal;
    if (!wire::normalize_authority(host_in_, host_normal).ok() || host_normal != authority_) {
      return {HeadVerdict::bad_request, "host disagrees with :authority"};
    }
  }
  head_.method_string(method_);
  head_.target(path_);
  head_.version(11);
  head_.set(http::field::host, authority_);
  if (!cookie_.empty()) head_.set(http::field::cookie, cookie_);
  return {};
}

}  // namespace centinela::h2
