#include "http/http2_preface.h"

#include <algorithm>

namespace centinela::http {

PrefaceMatch classify_preface(std::string_view first_bytes) {
  const auto n = std::min(first_bytes.size(), kHttp2Preface.size());
  if (first_bytes.substr(0, n) != kHttp2Preface.substr(0, n)) return PrefaceMatch::http1;
  return n == kHttp2Preface.size() ? PrefaceMatch::http2 : PrefaceMatch::need_more;
}

}  // namespace centinela::http
