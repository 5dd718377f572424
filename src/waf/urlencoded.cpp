#include "waf/urlencoded.h"

namespace centinela::waf {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `raw` itself when decoding changes nothing (no copy), else its decoded
// form in `scratch`.
std::string_view decoded(std::string_view raw, std::string& scratch, UrlencodedWalk& walk) {
  if (raw.find_first_of("%+") == std::string_view::npos) return raw;
  scratch.clear();
  walk.invalid_encoding |= append_form_decoded(scratch, raw);
  return scratch;
}

}  // namespace

bool append_form_decoded(std::string& out, std::string_view text) {
  bool invalid = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 < text.size()) {
        const int high = hex_value(text[i + 1]);
        const int low = hex_value(text[i + 2]);
        if (high >= 0 && low >= 0) {
          out.push_back(static_cast<char>(high * 16 + low));
          i += 2;
          continue;
        }
      }
      invalid = true;
      out.push_back('%');
    } else {
      out.push_back(c == '+' ? ' ' : c);
    }
  }
  return invalid;
}

UrlencodedWalk walk_urlencoded(std::string_view text, ArgumentOrigin origin, BodySink& sink) {
  UrlencodedWalk walk;
  std::string name;
  std::string value;
  std::size_t start = 0;
  // std::getline pieces: none after a trailing separator.
  while (start < text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view piece = text.substr(start, end - start);
    start = end + 1;
    const std::size_t equals = piece.find('=');
    const std::string_view raw_name = piece.substr(0, equals);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1);
    if (!sink.argument(decoded(raw_name, name, walk), decoded(raw_value, value, walk), origin)) {
      walk.stopped = true;
      break;
    }
    ++walk.arguments;
  }
  return walk;
}

}  // namespace centinela::waf
