#include "h2/response_head.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "http/trailer_fields.h"

namespace centinela::h2 {

namespace {

constexpr std::array<std::string_view, 7> kNotInHttp2 = {
    "connection", "keep-alive", "proxy-connection", "transfer-encoding",
    "upgrade",    "te",         "content-length"};  // content-length: written from response.length
                                                    // only

bool dropped(std::string_view name) {
  // Most names are none of these: their lengths (2, 7, 10, 14, 16, 17) say so.
  constexpr std::uint32_t kLengths =
      (1u << 2) | (1u << 7) | (1u << 10) | (1u << 14) | (1u << 16) | (1u << 17);
  if (name.size() >= 32 || (kLengths & (1u << name.size())) == 0) return false;
  for (auto n : kNotInHttp2) {
    if (stage::ResponseFields::same_name(name, n)) return true;
  }
  return false;
}

// Values that differ in every response (or every second): indexed, each
// would push the stable fields (the security headers) out of the HPACK
// table, and they would be encoded in full again. nghttp2 already leaves
// content-length, etag, last-modified and set-cookie out of the table.
bool changes_every_response(std::string_view lower_name) {
  return lower_name == "x-request-id" || lower_name == "date" || lower_name == "traceparent" ||
         lower_name == "server-timing";
}

nghttp2_nv make_nv(const char* name, std::size_t name_size, const char* value,
                   std::size_t value_size, std::uint8_t flags = NGHTTP2_NV_FLAG_NONE) {
  // Copied by nghttp2 when the response is submitted: the HEADERS frame may
  // be packed after the request's arena, which holds the values, is gone.
  return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(value)), name_size,
                    value_size, flags};
}

}  // namespace

void make_response_nv(const stage::Response& response, ResponseNv& out) {
  out.nv.clear();
  out.text.clear();
  // Fill the text first, then point into it: it must not grow afterwards.
  std::size_t names = 0;
  std::size_t count = 2;
  for (const stage::Field& field : response.fields) {
    names += field.name.size();
    ++count;
  }
  out.text.reserve(names + 24);
  out.nv.reserve(count);
  char digits[24];
  const auto status_end = std::to_chars(digits, digits + 3, response.status % 1000).ptr;
  out.text.append(digits, status_end);
  const std::size_t status_size = out.text.size();
  const bool with_length = response.length && response.status >= 200 && response.status != 204;
  std::size_t length_size = 0;
  if (with_length) {
    const auto end = std::to_chars(digits, digits + sizeof digits, *response.length).ptr;
    length_size = static_cast<std::size_t>(end - digits);
    out.text.append(digits, end);
  }
  const char* text = out.text.data();
  out.nv.push_back(make_nv(":status", 7, text, status_size));
  text += status_size;
  if (with_length) {
    out.nv.push_back(make_nv("content-length", 14, text, length_size));
    text += length_size;
  }
  for (const stage::Field& field : response.fields) {
    if (dropped(field.name)) continue;
    // Lower-cased into the reserved text: it does not move.
    const std::size_t at = out.text.size();
    out.text.append(field.name);
    char* name = out.text.data() + at;
    for (std::size_t i = 0; i < field.name.size(); ++i) {
      if (name[i] >= 'A' && name[i] <= 'Z') name[i] = static_cast<char>(name[i] - 'A' + 'a');
    }
    const bool no_index = changes_every_response({name, field.name.size()});
    out.nv.push_back(make_nv(name, field.name.size(), field.value.data(), field.value.size(),
                             no_index ? NGHTTP2_NV_FLAG_NO_INDEX : NGHTTP2_NV_FLAG_NONE));
  }
}

void make_trailer_nv(std::string_view lines, ResponseNv& out) {
  out.nv.clear();
  out.text.clear();
  // The names first, then views of them: the text must not grow afterwards.
  out.text.reserve(lines.size());
  centinela::http::for_each_trailer(lines, [&](std::string_view name, std::string_view) {
    for (const char c : name)
      out.text.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  });
  const char* name = out.text.data();
  centinela::http::for_each_trailer(lines, [&](std::string_view field, std::string_view value) {
    out.nv.push_back(make_nv(name, field.size(), value.data(), value.size()));
    name += field.size();
  });
}

}  // namespace centinela::h2
