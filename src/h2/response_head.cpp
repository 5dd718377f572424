#include "h2/response_head.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/ascii_words.h"
#include "http/chars.h"
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

// Values that differ in every response: indexed, each would push the stable
// fields (the security headers) out of the HPACK table, and they would be
// encoded in full again. nghttp2 already leaves content-length, etag,
// last-modified and set-cookie out of the table. Date is the caller's
// (SentFields). Which of them a name is (SentFields::name_sent's kind), or -1.
int volatile_kind(std::string_view lower_name) {
  switch (lower_name.size()) {
    case 11:
      return lower_name == "traceparent" ? 0 : -1;
    case 12:
      return lower_name == "x-request-id" ? 1 : -1;
    case 13:
      return lower_name == "server-timing" ? 2 : -1;
    default:
      return -1;
  }
}

// Whether the field goes out as a literal never indexed.
bool never_indexed(std::string_view lower_name, std::string_view value, SentFields* sent) {
  if (lower_name == "date") return sent == nullptr || !sent->date_repeats(value);
  const int kind = volatile_kind(lower_name);
  if (kind < 0) return false;
  // The connection's first of the name is indexed (its name then is in the
  // table for the later ones).
  return sent == nullptr || sent->name_sent(static_cast<unsigned>(kind));
}

// Neither copied nor lower-cased again by nghttp2: both are in ResponseNv's
// text, already lower-cased.
constexpr std::uint8_t kNoCopy = NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE;

nghttp2_nv make_nv(const char* name, std::size_t name_size, const char* value,
                   std::size_t value_size, std::uint8_t flags) {
  return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(value)), name_size,
                    value_size, static_cast<std::uint8_t>(flags | kNoCopy)};
}

}  // namespace

namespace {

template <typename Word>
void copy_lowered_word(char* to, const char* from) {
  const Word word = http::lowered_word(http::load_word<Word>(from));
  std::memcpy(to, &word, sizeof word);
}

// copy_lower's body, inlined where response heads are made (a call a field
// name costs as much as lowering a word).
inline __attribute__((always_inline)) void copy_lowered(char* to, const char* from,
                                                        std::size_t size) {
  // Whole words, the tail as the last word overlapping the one before (each
  // word is read before it is written, so `to` may be `from`; lowering a
  // byte twice is harmless).
  if (size >= 8) {
    for (std::size_t i = 0; i + 8 <= size; i += 8)
      copy_lowered_word<std::uint64_t>(to + i, from + i);
    if (size % 8 != 0) copy_lowered_word<std::uint64_t>(to + size - 8, from + size - 8);
  } else if (size >= 4) {
    copy_lowered_word<std::uint32_t>(to, from);
    copy_lowered_word<std::uint32_t>(to + size - 4, from + size - 4);
  } else {
    for (std::size_t i = 0; i < size; ++i) to[i] = http::ascii_lower(from[i]);
  }
}

}  // namespace

void copy_lower(char* to, const char* from, std::size_t size) { copy_lowered(to, from, size); }

void lower_ascii(char* text, std::size_t size) { copy_lower(text, text, size); }

bool SentFields::date_repeats(std::string_view value) {
  const bool same = value.size() == date_size_ && std::memcmp(date_, value.data(), date_size_) == 0;
  if (!same && value.size() <= sizeof date_) {
    std::memcpy(date_, value.data(), value.size());
    date_size_ = value.size();
  }
  return same;
}

void make_response_nv(const stage::Response& response, ResponseNv& out, SentFields* sent) {
  // Sized first, then filled through a pointer: the text must not move once
  // the list points into it.
  std::size_t bytes = 0;
  std::size_t count = 2;
  for (const stage::Field& field : response.fields) {
    bytes += field.name.size() + field.value.size();
    ++count;
  }
  out.nv.resize(count);
  out.text.resize(bytes + 24);
  char* const begin = out.text.data();
  char* at = begin;
  nghttp2_nv* nv = out.nv.data();
  const auto status_end = std::to_chars(at, at + 3, response.status % 1000).ptr;
  *nv++ =
      make_nv(":status", 7, at, static_cast<std::size_t>(status_end - at), NGHTTP2_NV_FLAG_NONE);
  at = status_end;
  if (response.length && response.status >= 200 && response.status != 204) {
    const auto end = std::to_chars(at, at + 20, *response.length).ptr;
    *nv++ =
        make_nv("content-length", 14, at, static_cast<std::size_t>(end - at), NGHTTP2_NV_FLAG_NONE);
    at = end;
  }
  for (const stage::Field& field : response.fields) {
    if (dropped(field.name)) continue;
    const std::size_t name_size = field.name.size();
    copy_lowered(at, field.name.data(), name_size);
    std::memcpy(at + name_size, field.value.data(), field.value.size());
    const bool no_index = never_indexed(std::string_view(at, name_size), field.value, sent);
    *nv++ = make_nv(at, name_size, at + name_size, field.value.size(),
                    no_index ? NGHTTP2_NV_FLAG_NO_INDEX : NGHTTP2_NV_FLAG_NONE);
    at += name_size + field.value.size();
  }
  out.nv.resize(static_cast<std::size_t>(nv - out.nv.data()));
  out.text.resize(static_cast<std::size_t>(at - begin));
}

void make_trailer_nv(std::string_view lines, ResponseNv& out) {
  out.nv.clear();
  out.text.clear();
  // Names and values copied once: the lines are the caller's and may be gone
  // before nghttp2 packs the frame. Reserved first: the text must not move.
  out.text.reserve(lines.size());
  centinela::http::for_each_trailer(lines, [&](std::string_view name, std::string_view value) {
    const std::size_t at = out.text.size();
    out.text.append(name).append(value);
    char* copy = out.text.data() + at;
    lower_ascii(copy, name.size());
    out.nv.push_back(
        make_nv(copy, name.size(), copy + name.size(), value.size(), NGHTTP2_NV_FLAG_NONE));
  });
}

}  // namespace centinela::h2
