// An HTTP/2 request's header block (RFC 9113 §8.3) made into the HTTP/1.1
// request head the stages see and the upstream receives. Everything that could
// make the downgrade read differently from what the client framed is refused:
// a malformed block is a stream error (RST_STREAM PROTOCOL_ERROR, §8.1.1), a
// well-formed one with an authority we do not accept is a 400, as a bad Host is.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace centinela::h2 {

using RequestHead = boost::beast::http::request_header<boost::beast::http::fields>;

enum class HeadVerdict {
  ok,
  malformed,    // stream error: RST_STREAM(PROTOCOL_ERROR), nothing is answered
  bad_request,  // answered 400 with `reason`
  not_allowed,  // CONNECT (no tunnels over HTTP/2): answered 405
  too_large,    // past SETTINGS_MAX_HEADER_LIST_SIZE: answered 431
};

struct HeadResult {
  HeadVerdict verdict = HeadVerdict::ok;
  std::string_view reason;  // static text
};

// Fed field by field from nghttp2's on_header callback, then finished once the
// block ends. The pseudo-headers must all come first (§8.3).
class RequestHeadBuilder {
 public:
  // `max_list_bytes`: what the server advertised as SETTINGS_MAX_HEADER_LIST_SIZE.
  // nghttp2 treats that setting as advisory; it is enforced here, counted as
  // RFC 9113 §6.5.2 does (name + value + 32 per field).
  RequestHeadBuilder(RequestHead& head, std::size_t max_list_bytes)
      : head_(head), max_list_bytes_(max_list_bytes) {}

  // Ready for another block into the same head (emptied by the caller).
  void reset();

  // False once the block is malformed (further fields are ignored).
  bool add(std::string_view name, std::string_view value);
  HeadResult finish();

  // After finish() returned ok: the normal-form authority (host[:port]), how
  // much of it is the host, and the declared body length, which DATA must match.
  const std::string& authority() const { return authority_; }
  std::size_t host_size() const { return host_size_; }
  std::optional<std::uint64_t> content_length() const { return content_length_; }

 private:
  bool malformed(std::string_view why);
  bool add_pseudo(std::string_view name, std::string_view value);
  bool add_content_length(std::string_view value);

  RequestHead& head_;
  std::size_t max_list_bytes_;
  std::size_t list_bytes_ = 0;
  bool too_large_ = false;
  std::string method_, scheme_, path_, authority_in_, host_in_;
  bool have_method_ = false, have_scheme_ = false, have_path_ = false, have_authority_ = false,
       have_host_ = false;
  bool regular_seen_ = false;
  std::string cookie_;
  std::optional<std::uint64_t> content_length_;
  std::string authority_;
  std::size_t host_size_ = 0;
  std::string_view malformed_;
};

}  // namespace centinela::h2
