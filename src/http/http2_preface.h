// Sniffing the HTTP/2 connection preface (RFC 9113 §3.4) on a cleartext listener
// with `http2: true`: a client with prior knowledge opens with these 24 bytes; any
// other first bytes are an HTTP/1.1 request, served as today (like nginx's
// `listen ... http2` on cleartext).
#pragma once

#include <string_view>

namespace centinela::http {

inline constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

enum class PrefaceMatch {
  http2,      // the whole preface was read
  http1,      // the bytes already diverge from the preface
  need_more,  // a strict prefix of the preface: read more before deciding
};

// Decides from the bytes read so far. The first divergent byte settles it, so an
// HTTP/1.1 request ("GET ...") is recognised on its first byte.
PrefaceMatch classify_preface(std::string_view first_bytes);

}  // namespace centinela::http
