// Blocks of field lines the way a head carries them ("Name: value\r\n" each,
// RFC 9112 §5): written by one appender, and read strictly for field blocks
// that come back from storage (the cache's L2) and must be exactly what an
// origin could have sent before they are written to a client.
#pragma once

#include <string>
#include <string_view>

namespace centinela::http {

// Appends "name: value\r\n" to `out`: every field line the gateway writes
// goes through here. The caller vouches for name and value (no CR or LF).
inline void append_field_line(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ", 2);
  out.append(value);
  out.append("\r\n", 2);
}

// Whether every byte of `value` may appear in a field value (RFC 9110 §5.5:
// VCHAR, SP, HTAB, obs-text; no CR, LF, NUL or other control).
bool is_field_value(std::string_view value);

struct FieldLine {
  std::string_view name;
  std::string_view value;  // without the whitespace around it
};

// Reads a block one line at a time. A line is field-name ":" OWS field-value
// OWS CRLF; anything else (a bare CR or LF, NUL or another control byte, an
// empty or non-token name, no colon, no final CRLF) stops the reader with
// malformed() set.
class FieldLineReader {
 public:
  explicit FieldLineReader(std::string_view block) : rest_(block) {}

  // The next line; false at the end of the block or at a malformed line.
  bool next(FieldLine& line);
  bool malformed() const { return malformed_; }

 private:
  std::string_view rest_;
  bool malformed_ = false;
};

// Whether `block` is a sequence of well-formed field lines (or empty).
bool is_field_block(std::string_view block);

}  // namespace centinela::http
