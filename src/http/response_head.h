// An upstream's response head read without a general-purpose parser: the
// status line and the field lines, checked as strictly as a client's head
// (an origin may be hostile too), every part a view into the block read.
// The fields that decide the framing and the connection's fate
// (Content-Length, Transfer-Encoding, Connection) are read on the way, by
// the rules Beast applied before: conflicting lengths, a length beside
// chunked, or a second chunked coding make the head unusable (502).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "http/field_lines.h"
#include "http/response_framing.h"

namespace centinela::http {

// At most this many field names in Connection items (besides close and
// keep-alive): each is looked for in every field line.
inline constexpr std::size_t kMaxConnectionNames = 16;

enum class ResponseHeadError : std::uint8_t {
  none,
  status_line,        // not "HTTP/1.x SSS reason", or a status outside 100..599
  field_line,         // a line that is not name ":" value
  content_length,     // not a number, several different ones, or beside chunked
  transfer_encoding,  // chunked twice, or beside Content-Length
  connection,         // a Connection item that is not a token, or too many of them
};

struct ResponseHead {
  unsigned version = 11;  // 10 or 11
  unsigned status = 0;
  std::string_view reason;
  // The field lines, each with its CRLF.
  std::string_view fields;
  // The field lines read, as views, when the parse was given room for them.
  std::span<const FieldLine> lines;
  bool has_transfer_encoding = false;
  bool chunked = false;  // the only chunked coding is the last one
  std::optional<std::uint64_t> content_length;
  bool has_connection = false;
  // A Connection item other than close and keep-alive: a field it names is
  // hop-by-hop too.
  bool connection_names_fields = false;
  std::size_t connection_names = 0;  // such items, over every Connection line
  bool connection_close = false;
  bool connection_keep_alive = false;

  bool keep_alive() const { return !connection_close && (version >= 11 || connection_keep_alive); }
  ResponseHeadFacts facts(bool head_request) const;
  // Points the views at `copy`, a copy of the `block` they were read from
  // (before the field lines are read).
  void move_to(std::string_view block, std::string_view copy);
};

// `block` runs from the status line through the CRLF of the last field line,
// as scan_header_block found it (which refused bare CR and LF, NUL and
// obs-fold). On an error, `head` is left partly filled.
ResponseHeadError parse_response_head(std::string_view block, ResponseHead& head);

// The same in two steps, for a caller that keeps the lines: the status line
// (head.fields is then the rest of the block), then the field lines, read
// once and kept in `room` (head.lines) when it holds them all.
ResponseHeadError parse_status_line(std::string_view block, ResponseHead& head);
ResponseHeadError parse_field_lines(ResponseHead& head, std::span<FieldLine> room);
// How many field lines head.fields holds at most (room enough for them).
std::size_t count_field_lines(const ResponseHead& head);

// Whether the comma-separated list `value` (RFC 9110 §5.6.1) has `token` as
// one whole item, case-insensitively.
bool list_has_token(std::string_view value, std::string_view token);

}  // namespace centinela::http
