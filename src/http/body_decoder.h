// The body of an HTTP/1.1 message (RFC 9112 §6.3, §7.1) decoded from bytes as
// they arrive, for requests and responses alike: Content-Length, chunked, or
// until the peer closes. The chunked grammar is read exactly — hex chunk sizes
// of at most 16 digits, chunk extensions as tokens and quoted-strings, CRLF
// everywhere (a bare CR or LF is an error at once), trailer fields as field
// lines — and the parts that carry no body are bounded, then dropped, except
// the trailer fields a caller asks to keep (keep_trailers). Nothing is
// buffered: framing is validated byte by byte, body bytes are copied out (or
// viewed where they are: decode_in_place).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace centinela::http {

enum class Framing : std::uint8_t {
  none,         // no body (a body-less status or method, or an empty request)
  length,       // Content-Length
  chunked,      // Transfer-Encoding ending in chunked
  until_close,  // a response whose body ends when the connection does
};

enum class BodyError : std::uint8_t {
  none,
  bad_chunk_size,              // no hex digit where a chunk size starts, or junk after it
  chunk_size_too_long,         // more than 16 hex digits
  bad_chunk_extension,         // not ( ";" token [ "=" ( token / quoted-string ) ] )*
  chunk_extensions_too_large,  // over BodyLimits::max_chunk_extensions
  bad_line_ending,             // a bare CR or LF, or no CRLF where one belongs
  bad_trailer,                 // a trailer line that is not a field line
  trailers_too_large,          // over BodyLimits::max_trailers
  body_too_large,              // over BodyLimits::max_body
  truncated,                   // the peer closed before the body ended
};

// A short phrase for logs and error responses.
std::string_view describe(BodyError error);

struct BodyLimits {
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_body = kUnlimited;  // decoded body bytes
  // Bytes between a chunk size and the CRLF ending its line, summed over the
  // whole message: a sum, so that framing overhead stays finite per message.
  std::uint64_t max_chunk_extensions = 4096;
  // The trailer section, its lines and final CRLF.
  std::uint64_t max_trailers = 16 * 1024;
};

class BodyDecoder {
 public:
  enum class Status : std::uint8_t { need_more, done, failed };

  struct Step {
    std::size_t consumed = 0;  // input bytes used; the rest is not part of this body
    std::size_t produced = 0;  // body bytes written to the output
  };

  BodyDecoder() = default;  // Framing::none: done at once
  // `length` counts for Framing::length only.
  BodyDecoder(Framing framing, std::uint64_t length, const BodyLimits& limits);

  // Decodes `input` until it is used up, `out` is full while body bytes are
  // next, or the body ends or fails. Framing bytes are used even when `out`
  // is full, so the end of a body is seen with its last bytes.
  Step decode(std::string_view input, std::span<char> out);
  // The same without copying: `piece` views the next run of body bytes in
  // `input` (at most `max` of them; empty when none are next), and decoding
  // stops where a second run would begin. Framing bytes after the run are
  // used, as decode() uses them when `out` is full.
  Step decode_in_place(std::string_view input, std::size_t max, std::string_view& piece);
  // The peer closed the connection: an until-close body ends here, any other
  // unfinished body is truncated.
  void finish();
  // Keeps the trailer section's fields that may be relayed
  // (http/trailer_fields.h) in `out` as "name: value\r\n" lines, their
  // values without surrounding whitespace; the others are dropped. `out` is
  // cleared now and written only when trailers come (no allocation without
  // them); its size stays within max_trailers plus a byte per line.
  void keep_trailers(std::string& out) {
    out.clear();
    trailers_ = &out;
  }

  Status status() const { return status_; }
  bool done() const { return status_ == Status::done; }
  bool failed() const { return status_ == Status::failed; }
  BodyError error() const { return error_; }
  Framing framing() const { return framing_; }
  std::uint64_t body_bytes() const { return body_bytes_; }
  // A framing line has begun and not ended (a chunk-size line, or the last
  // chunk with its trailer section): the caller bounds the time it may take.
  bool mid_line() const;

 private:
  enum class State : std::uint8_t {
    data,     // body bytes: `remaining_` of them (until_close: any)
    data_cr,  // the CRLF after a chunk's data
    data_lf,
    size_first,      // the first hex digit of a chunk size
    size,            // more digits, or what ends the size
    semi_bws,        // whitespace after a size or extension: ';' must follow
    name_bws,        // after ';': whitespace, then an extension name
    name,            // extension name (token)
    after_name_bws,  // whitespace after a name: '=' or ';'
    value_bws,       // after '=': whitespace, then a value
    token_value,     // extension value as a token
    quoted_value,    // extension value as a quoted-string
    quoted_pair,     // the byte after a backslash in a quoted-string
    after_quoted,    // after the closing quote
    line_lf,         // CR seen at the end of a chunk-size line
    trailer_start,   // a trailer line or the final CRLF
    trailer_name,
    trailer_value,
    trailer_lf,
    final_lf,
    end,
  };

  // Takes up to `available` body bytes in the data state: how many (0 when
  // the body's bound is hit, which fails it).
  std::size_t take_data(std::size_t available);
  void advance(char c);
  void advance_extension(char c);
  void advance_trailer(char c);
  void end_size_line();
  void fail(BodyError error);
  void keep_trailer_byte(char c);
  void end_trailer_line();

  Framing framing_ = Framing::none;
  Status status_ = Status::done;
  BodyError error_ = BodyError::none;
  State state_ = State::end;
  BodyLimits limits_;
  std::uint64_t remaining_ = 0;  // of the Content-Length, or of the current chunk
  std::uint64_t body_bytes_ = 0;
  std::uint64_t extension_bytes_ = 0;
  std::uint64_t trailer_bytes_ = 0;
  unsigned size_digits_ = 0;
  std::string* trailers_ = nullptr;  // where kept trailers go; null: none are kept
  std::size_t trailer_line_ = 0;     // where the current line starts in *trailers_
  std::size_t trailer_name_ = 0;     // its name's length
  bool trailer_value_begun_ = false;
};

}  // namespace centinela::http
