// Message heads written as bytes by the gateway itself, into a buffer the
// caller reuses: one contiguous block per head, every field line through one
// appender, and the framing lines decided here, never copied from a peer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace centinela::http {

enum class BodyFraming : std::uint8_t {
  none,     // no body (HEAD, 204, 304, or an empty request)
  length,   // Content-Length
  chunked,  // Transfer-Encoding: chunked
  close,    // the body ends when the connection does (HTTP/1.0 peers)
};

// "METHOD target HTTP/1.1\r\n".
void append_request_line(std::string& out, std::string_view method, std::string_view target);

// "HTTP/1.x status reason\r\n" (HTTP/1.1 for `version` 11 and above).
void append_status_line(std::string& out, unsigned version, unsigned status,
                        std::string_view reason);

// Framing and connection lines, then the blank line that ends the head.
void append_framing(std::string& out, BodyFraming framing, std::uint64_t length,
                    bool close_connection, bool http10_keep_alive);

// The "SIZE\r\n" line before a chunk; returns its length (at most 18).
std::size_t format_chunk_size(std::size_t size, char (&out)[20]);

// How a response reaches a client of `version`: a body of known length with
// Content-Length, one of unknown length chunked (HTTP/1.1) or ended by the
// close (HTTP/1.0). A response without a body (HEAD, 204, 304) announces the
// length a GET would get when it is known.
struct ClientFraming {
  BodyFraming framing = BodyFraming::none;    // of the body that follows
  BodyFraming announced = BodyFraming::none;  // what the head says
};
ClientFraming client_framing(bool sends_body, std::optional<std::uint64_t> length,
                             unsigned version);

// True for the field names that frame a message or manage its connection:
// the writer decides them itself, whatever a response's fields say.
// (Inline: most names are passed over on their length alone.)
bool is_framing_name(std::string_view name);  // the comparison itself
inline bool is_framing_field(std::string_view name) {
  switch (name.size()) {
    case 10:
    case 14:
    case 17:
      return is_framing_name(name);
    default:
      return false;
  }
}

// Whether `value` follows `name` right after ": " (the two views are parts of
// one "Name: value" line).
inline bool is_block_line_start(std::string_view name, std::string_view value) {
  const char* name_end = name.data() + name.size();
  return value.data() == name_end + 2 && name_end[0] == ':' && name_end[1] == ' ';
}

// "name: value\r\n" for every field of `fields` (each with .name and
// .value) but the framing ones: the lines append_field_line writes, with the
// block sized once. Fields that are views of consecutive lines of one block
// ("Name: value\r\n" each: a route's fixed lines, a stored entry's) are
// copied as one run. (Only bytes between two views are looked at.)
template <typename Fields>
void append_field_lines(std::string& out, const Fields& fields) {
  std::size_t size = 0;
  for (const auto& field : fields) {
    if (!is_framing_field(field.name)) size += field.name.size() + field.value.size() + 4;
  }
  std::size_t at = out.size();
  out.resize(at + size);
  char* p = out.data();
  const char* run = nullptr;  // where the pending run of block lines starts
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (is_framing_field(it->name)) continue;
    const char* value_end = it->value.data() + it->value.size();
    const bool colon = is_block_line_start(it->name, it->value);
    const auto next = it + 1;
    const bool joins_next = colon && next != fields.end() && next->name.data() == value_end + 2 &&
                            value_end[0] == '\r' && value_end[1] == '\n' &&
                            !is_framing_field(next->name) &&
                            is_block_line_start(next->name, next->value);
    if (run == nullptr) run = colon ? it->name.data() : nullptr;
    if (joins_next) continue;
    if (run != nullptr) {
      // The run up to this field's value, then its line end.
      std::memcpy(p + at, run, static_cast<std::size_t>(value_end - run));
      at += static_cast<std::size_t>(value_end - run);
      run = nullptr;
    } else {
      std::memcpy(p + at, it->name.data(), it->name.size());
      at += it->name.size();
      std::memcpy(p + at, ": ", 2);
      at += 2;
      std::memcpy(p + at, it->value.data(), it->value.size());
      at += it->value.size();
    }
    std::memcpy(p + at, "\r\n", 2);
    at += 2;
  }
}

}  // namespace centinela::http
