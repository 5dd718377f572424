#include "http/response_head.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "http/chars.h"
#include "http/field_lines.h"

namespace centinela::http {
namespace {

// `name` equals `lower` (lower case) but for the case of its letters.
bool is_named(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (ascii_lower(name[i]) != lower[i]) return false;
  }
  return true;
}

// The same for a field name (tchar only) and a `lower` of letters and '-'
// of at least eight: a whole word at a time. OR-ing 0x20 lowers a letter
// and keeps '-'; no other tchar becomes a letter or '-' by it.
bool is_field_named(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  constexpr std::uint64_t kCase = 0x2020202020202020;
  const auto word = [](const char* at) {
    std::uint64_t w;
    std::memcpy(&w, at, sizeof w);
    return w;
  };
  const std::size_t last = name.size() - 8;
  for (std::size_t i = 0; i < last; i += 8) {
    if ((word(name.data() + i) | kCase) != word(lower.data() + i)) return false;
  }
  return (word(name.data() + last) | kCase) == word(lower.data() + last);
}

std::string_view trim(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// Calls f(item) for every item of a comma-separated list, trimmed (empty
// items included: the callers decide what they mean).
template <typename F>
void for_each_item(std::string_view value, F&& f) {
  for (;;) {
    const std::size_t comma = value.find(',');
    f(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

// "HTTP/1.x SP 3DIGIT [SP reason-phrase]" (RFC 9112 §4); the reason may be
// absent, as some servers send it, but may hold no control character.
bool read_status_line(std::string_view line, ResponseHead& head) {
  constexpr std::string_view kPrefix = "HTTP/1.";
  if (line.size() < 12 || !line.starts_with(kPrefix) || !is_digit(line[7]) || line[8] != ' ' ||
      !is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11])) {
    return false;
  }
  head.version = line[7] == '0' ? 10 : 11;
  head.status =
      static_cast<unsigned>((line[9] - '0') * 100 + (line[10] - '0') * 10 + line[11] - '0');
  if (head.status < 100 || head.status > 599) return false;
  head.reason = {};
  if (line.size() == 12) return true;
  if (line[12] != ' ') return false;
  head.reason = line.substr(13);
  return is_field_value(head.reason);
}

// Content-Length may be a list ("10, 10") and may repeat, but every value
// must be the same number (RFC 9110 §8.6).
bool add_content_length(std::string_view value, std::optional<std::uint64_t>& length) {
  bool valid = true;
  for_each_item(value, [&](std::string_view item) {
    std::uint64_t number = 0;
    if (item.empty()) valid = false;
    for (const char c : item) {
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (!is_digit(c) || number > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
        valid = false;
        return;
      }
      number = number * 10 + digit;
    }
    if (!valid || (length && *length != number)) {
      valid = false;
      return;
    }
    length = number;
  });
  return valid;
}

// A byte no field value may hold (a control byte, HTAB aside, or DEL), or
// the CR that ends the line.
constexpr bool is_special(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

// The CR of the CRLF that ends the value starting at `p`, or null when a
// byte a field value may not hold (RFC 9110 §5.5: a control byte other
// than HTAB, DEL, a bare CR or LF) comes first. Eight bytes at a time: a
// word with no byte below 0x20 nor 0x7F is skipped whole, and the lowest
// flagged byte of another is the first special one (a false alarm from a
// borrow only ever sits above a true one).
const char* value_end(const char* p, const char* const end) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHigh = 0x8080808080808080;
  for (;; ++p) {
    bool found = false;
    if constexpr (std::endian::native == std::endian::little) {
      while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        const std::uint64_t del = word ^ (0x7F * kOnes);
        const std::uint64_t flags =
            (((word - 0x20 * kOnes) & ~word) | ((del - kOnes) & ~del)) & kHigh;
        if (flags != 0) {
          p += std::countr_zero(flags) / 8;
          found = true;
          break;
        }
        p += 8;
      }
    }
    if (!found) {
      while (p != end && !is_special(*p)) ++p;
      if (p == end) return nullptr;
    }
    if (*p == '\t') continue;
    if (*p == '\r' && end - p >= 2 && p[1] == '\n') return p;
    return nullptr;
  }
}

// The fields that frame a response's body or speak of its connection.
enum class FramingField { other, content_length, transfer_encoding, connection };

// Most names are none of them: their length says so without a comparison.
FramingField framing_field(std::string_view name) {
  switch (name.size()) {
    case 10:
      return is_field_named(name, "connection") ? FramingField::connection : FramingField::other;
    case 14:
      return is_field_named(name, "content-length") ? FramingField::content_length
                                                    : FramingField::other;
    case 17:
      return is_field_named(name, "transfer-encoding") ? FramingField::transfer_encoding
                                                       : FramingField::other;
    default:
      return FramingField::other;
  }
}

ResponseHeadError add_field(const FieldLine& line, ResponseHead& head) {
  const FramingField kind = framing_field(line.name);
  if (kind == FramingField::other) return ResponseHeadError::none;
  if (kind == FramingField::content_length) {
    if (head.chunked || !add_content_length(line.value, head.content_length)) {
      return ResponseHeadError::content_length;
    }
  } else if (kind == FramingField::transfer_encoding) {
    if (head.chunked || head.content_length) return ResponseHeadError::transfer_encoding;
    head.has_transfer_encoding = true;
    // Chunked frames the body only as the one and last coding; any other
    // list leaves the body to the close.
    int chunked_items = 0;
    bool last_chunked = false;
    for_each_item(line.value, [&](std::string_view item) {
      if (item.empty()) return;
      last_chunked = is_named(item, "chunked");
      if (last_chunked) ++chunked_items;
    });
    head.chunked = last_chunked && chunked_items == 1;
  } else {
    head.has_connection = true;
    bool valid = true;
    for_each_item(line.value, [&](std::string_view item) {
      for (const char c : item) valid = valid && is_tchar(c);
      if (is_named(item, "close")) {
        head.connection_close = true;
      } else if (is_named(item, "keep-alive")) {
        head.connection_keep_alive = true;
      } else if (!item.empty()) {
        head.connection_names_fields = true;
        valid = valid && ++head.connection_names <= kMaxConnectionNames;
      }
    });
    if (!valid) return ResponseHeadError::connection;
  }
  return ResponseHeadError::none;
}

}  // namespace

ResponseHeadFacts ResponseHead::facts(bool head_request) const {
  ResponseHeadFacts facts;
  facts.status = status;
  facts.head_request = head_request;
  facts.has_transfer_encoding = has_transfer_encoding;
  facts.chunked = chunked;
  facts.content_length = content_length;
  facts.keep_alive = keep_alive();
  return facts;
}

void ResponseHead::move_to(std::string_view block, std::string_view copy) {
  const auto moved = [&](std::string_view part) {
    if (part.empty()) return std::string_view{};
    return copy.substr(static_cast<std::size_t>(part.data() - block.data()), part.size());
  };
  reason = moved(reason);
  fields = moved(fields);
}

ResponseHeadError parse_status_line(std::string_view block, ResponseHead& head) {
  head = ResponseHead{};
  const std::size_t eol = block.find("\r\n");
  if (eol == std::string_view::npos || !read_status_line(block.substr(0, eol), head)) {
    return ResponseHeadError::status_line;
  }
  head.fields = block.substr(eol + 2);
  return ResponseHeadError::none;
}

std::size_t count_field_lines(const ResponseHead& head) {
  std::size_t lines = 0;
  for (std::size_t i = head.fields.find('\n'); i != std::string_view::npos;
       i = head.fields.find('\n', i + 1)) {
    ++lines;
  }
  return lines;
}

// One pass over the lines: name ":" OWS value OWS CRLF, every byte checked
// once (a bare CR or LF, NUL or another control byte is refused here too).
ResponseHeadError parse_field_lines(ResponseHead& head, std::span<FieldLine> room) {
  const char* p = head.fields.data();
  const char* const end = p + head.fields.size();
  // Every line ends in LF, which is no tchar: the name scans below stop
  // inside the block without a test of the end each byte.
  if (p != end && end[-1] != '\n') return ResponseHeadError::field_line;
  std::size_t count = 0;
  while (p != end) {
    const char* const name = p;
    // Four bytes a step: a byte is read only when those before it were
    // tchar, so never past the block's final LF.
    while (is_tchar(p[0]) && is_tchar(p[1]) && is_tchar(p[2]) && is_tchar(p[3])) p += 4;
    while (is_tchar(*p)) ++p;
    if (p == name || *p != ':') return ResponseHeadError::field_line;
    ++p;
    const char* const eol = value_end(p, end);
    if (eol == nullptr) return ResponseHeadError::field_line;
    const char* first = p;
    const char* last = eol;
    while (first != last && (*first == ' ' || *first == '\t')) ++first;
    while (last != first && (last[-1] == ' ' || last[-1] == '\t')) --last;
    const FieldLine line{std::string_view(name, static_cast<std::size_t>(p - 1 - name)),
                         std::string_view(first, static_cast<std::size_t>(last - first))};
    const ResponseHeadError error = add_field(line, head);
    if (error != ResponseHeadError::none) return error;
    if (count < room.size()) room[count] = line;
    ++count;
    p = eol + 2;
  }
  head.lines = room.first(std::min(count, room.size()));
  return ResponseHeadError::none;
}

ResponseHeadError parse_response_head(std::string_view block, ResponseHead& head) {
  const ResponseHeadError error = parse_status_line(block, head);
  if (error != ResponseHeadError::none) return error;
  return parse_field_lines(head, {});
}

bool list_has_token(std::string_view value, std::string_view token) {
  bool found = false;
  for_each_item(value, [&](std::string_view item) {
    if (item.size() != token.size()) return;
    bool same = true;
    for (std::size_t i = 0; i < item.size() && same; ++i) {
      same = ascii_lower(item[i]) == ascii_lower(token[i]);
    }
    found = found || same;
  });
  return found;
}

}  // namespace centinela::http
