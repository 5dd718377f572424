#include "http/body_decoder.h"

#include <algorithm>
#include <cstring>

#include "http/chars.h"
#include "http/trailer_fields.h"

namespace centinela::http {
namespace {

constexpr unsigned kMaxChunkSizeDigits = 16;  // any 64-bit size, leading zeros included

constexpr bool is_ws(char c) { return c == ' ' || c == '\t'; }

// qdtext (RFC 9110 §5.6.4): field-value characters but DQUOTE and backslash.
constexpr bool is_qdtext(char c) { return is_field_value_char(c) && c != '"' && c != '\\'; }

}  // namespace

std::string_view describe(BodyError error) {
  switch (error) {
    case BodyError::none:
      return "no error";
    case BodyError::bad_chunk_size:
      return "malformed chunk size";
    case BodyError::chunk_size_too_long:
      return "chunk size has too many digits";
    case BodyError::bad_chunk_extension:
      return "malformed chunk extension";
    case BodyError::chunk_extensions_too_large:
      return "chunk extensions too large";
    case BodyError::bad_line_ending:
      return "chunked framing without CRLF line endings";
    case BodyError::bad_trailer:
      return "malformed trailer field";
    case BodyError::trailers_too_large:
      return "trailer section too large";
    case BodyError::body_too_large:
      return "body too large";
    case BodyError::truncated:
      return "body ended early";
  }
  return "malformed body";
}

BodyDecoder::BodyDecoder(Framing framing, std::uint64_t length, const BodyLimits& limits)
    : framing_(framing), status_(Status::need_more), limits_(limits) {
  switch (framing) {
    case Framing::none:
      status_ = Status::done;
      break;
    case Framing::length:
      state_ = State::data;
      remaining_ = length;
      if (length == 0) status_ = Status::done;
      if (length > limits.max_body) fail(BodyError::body_too_large);
      break;
    case Framing::chunked:
      state_ = State::size_first;
      break;
    case Framing::until_close:
      state_ = State::data;
      break;
  }
}

BodyDecoder::Step BodyDecoder::decode(std::string_view input, std::span<char> out) {
  Step step;
  while (status_ == Status::need_more && step.consumed < input.size()) {
    if (state_ != State::data) {
      advance(input[step.consumed++]);
      continue;
    }
    std::size_t n = std::min(input.size() - step.consumed, out.size() - step.produced);
    if (n == 0) break;  // out is full and body bytes come next
    const std::size_t start = step.consumed;
    n = take_data(n);
    if (n == 0) break;
    std::memcpy(out.data() + step.produced, input.data() + start, n);
    step.produced += n;
    step.consumed += n;
  }
  return step;
}

BodyDecoder::Step BodyDecoder::decode_in_place(std::string_view input, std::size_t max,
                                               std::string_view& piece) {
  Step step;
  piece = {};
  while (status_ == Status::need_more && step.consumed < input.size()) {
    if (state_ != State::data) {
      advance(input[step.consumed++]);
      continue;
    }
    const std::size_t available = std::min(input.size() - step.consumed, max);
    if (step.produced != 0 || available == 0) break;  // one run a call
    const std::size_t n = take_data(available);
    if (n == 0) break;
    piece = input.substr(step.consumed, n);
    step.produced = n;
    step.consumed += n;
  }
  return step;
}

std::size_t BodyDecoder::take_data(std::size_t available) {
  std::size_t n = available;
  if (framing_ == Framing::until_close) {
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, limits_.max_body - body_bytes_));
    if (n == 0) {
      fail(BodyError::body_too_large);
      return 0;
    }
  } else {
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, remaining_));
    remaining_ -= n;
  }
  body_bytes_ += n;
  if (framing_ == Framing::length && remaining_ == 0) {
    status_ = Status::done;
    state_ = State::end;
  } else if (framing_ == Framing::chunked && remaining_ == 0) {
    state_ = State::data_cr;
  }
  return n;
}

void BodyDecoder::finish() {
  if (status_ != Status::need_more) return;
  if (framing_ == Framing::until_close) {
    status_ = Status::done;
    state_ = State::end;
  } else {
    fail(BodyError::truncated);
  }
}

bool BodyDecoder::mid_line() const {
  if (status_ != Status::need_more || framing_ != Framing::chunked) return false;
  return state_ != State::data && state_ != State::data_cr && state_ != State::size_first;
}

void BodyDecoder::fail(BodyError error) {
  status_ = Status::failed;
  error_ = error;
  state_ = State::end;
}

void BodyDecoder::end_size_line() {
  if (remaining_ == 0) {  // the last chunk: the trailer section follows
    state_ = State::trailer_start;
  } else {
    state_ = State::data;
  }
}

void BodyDecoder::advance(char c) {
  switch (state_) {
    case State::data_cr:
      return c == '\r' ? void(state_ = State::data_lf) : fail(BodyError::bad_line_ending);
    case State::data_lf:
      return c == '\n' ? void(state_ = State::size_first) : fail(BodyError::bad_line_ending);
    case State::size_first:
    case State::size: {
      if (const int digit = hex_value(c); digit >= 0) {
        if (++size_digits_ > kMaxChunkSizeDigits) return fail(BodyError::chunk_size_too_long);
        remaining_ = remaining_ * 16 + static_cast<unsigned>(digit);
        state_ = State::size;
        return;
      }
      const bool first = state_ == State::size_first;
      size_digits_ = 0;
      if (c == '\n') return fail(BodyError::bad_line_ending);
      if (first || (c != '\r' && c != ';' && !is_ws(c))) return fail(BodyError::bad_chunk_size);
      // Checked once the size is whole: a size too long to be one is malformed, not too large.
      if (remaining_ > limits_.max_body - body_bytes_) return fail(BodyError::body_too_large);
      if (c == '\r') {
        state_ = State::line_lf;
        return;
      }
      state_ = State::semi_bws;  // the ';' itself is read as the extension's first byte
      return advance_extension(c);
    }
    case State::line_lf:
      return c == '\n' ? end_size_line() : fail(BodyError::bad_line_ending);
    case State::trailer_start:
    case State::trailer_name:
    case State::trailer_value:
    case State::trailer_lf:
    case State::final_lf:
      return advance_trailer(c);
    case State::data:
    case State::end:
      return;
    default:
      return advance_extension(c);
  }
}

void BodyDecoder::advance_extension(char c) {
  // The CR ending the line may follow a name, a value, or the closing quote.
  if (c == '\r' &&
      (state_ == State::name || state_ == State::token_value || state_ == State::after_quoted)) {
    state_ = State::line_lf;
    return;
  }
  if (++extension_bytes_ > limits_.max_chunk_extensions) {
    return fail(BodyError::chunk_extensions_too_large);
  }
  if (c == '\n') return fail(BodyError::bad_line_ending);
  State next = State::end;  // end: c has no place here
  switch (state_) {
    case State::semi_bws:
      next = is_ws(c) ? State::semi_bws : c == ';' ? State::name_bws : State::end;
      break;
    case State::name_bws:
      next = is_ws(c) ? State::name_bws : is_tchar(c) ? State::name : State::end;
      break;
    case State::name:
    case State::after_name_bws:
      if (is_tchar(c) && state_ == State::name) {
        next = State::name;
      } else {
        next = is_ws(c)   ? State::after_name_bws
               : c == '=' ? State::value_bws
               : c == ';' ? State::name_bws
                          : State::end;
      }
      break;
    case State::value_bws:
      next = is_ws(c)      ? State::value_bws
             : c == '"'    ? State::quoted_value
             : is_tchar(c) ? State::token_value
                           : State::end;
      break;
    case State::token_value:
    case State::after_quoted:
      if (is_tchar(c) && state_ == State::token_value) {
        next = State::token_value;
      } else {
        next = is_ws(c) ? State::semi_bws : c == ';' ? State::name_bws : State::end;
      }
      break;
    case State::quoted_value:
      next = c == '"'       ? State::after_quoted
             : c == '\\'    ? State::quoted_pair
             : is_qdtext(c) ? State::quoted_value
                            : State::end;
      break;
    case State::quoted_pair:
      next = is_field_value_char(c) ? State::quoted_value : State::end;
      break;
    default:
      break;
  }
  if (next == State::end) return fail(BodyError::bad_chunk_extension);
  state_ = next;
}

void BodyDecoder::advance_trailer(char c) {
  if (++trailer_bytes_ > limits_.max_trailers) return fail(BodyError::trailers_too_large);
  switch (state_) {
    case State::trailer_start:
      if (c == '\r') {
        state_ = State::final_lf;
      } else if (is_tchar(c)) {
        state_ = State::trailer_name;
        if (trailers_ != nullptr) trailer_line_ = trailers_->size();
        keep_trailer_byte(c);
      } else {
        fail(c == '\n' ? BodyError::bad_line_ending : BodyError::bad_trailer);
      }
      return;
    case State::trailer_name:
      if (c == ':') {
        state_ = State::trailer_value;
        keep_trailer_byte(c);
      } else if (!is_tchar(c)) {
        fail(c == '\n' ? BodyError::bad_line_ending : BodyError::bad_trailer);
      } else {
        keep_trailer_byte(c);
      }
      return;
    case State::trailer_value:
      if (c == '\r') {
        state_ = State::trailer_lf;
      } else if (!is_field_value_char(c)) {
        fail(c == '\n' ? BodyError::bad_line_ending : BodyError::bad_trailer);
      } else {
        keep_trailer_byte(c);
      }
      return;
    case State::trailer_lf:
      if (c != '\n') return fail(BodyError::bad_line_ending);
      end_trailer_line();
      state_ = State::trailer_start;
      return;
    case State::final_lf:
      if (c != '\n') return fail(BodyError::bad_line_ending);
      status_ = Status::done;
      state_ = State::end;
      return;
    default:
      return;
  }
}

// A byte of a trailer line, kept as "name: value" without the value's
// leading whitespace (the trailing is cut when the line ends).
void BodyDecoder::keep_trailer_byte(char c) {
  if (trailers_ == nullptr) return;
  if (state_ == State::trailer_value) {
    if (c == ':' && trailer_name_ == 0) {
      trailer_name_ = trailers_->size() - trailer_line_;
      trailers_->append(": ");
      trailer_value_begun_ = false;
      return;
    }
    if (!trailer_value_begun_ && is_ws(c)) return;
    trailer_value_begun_ = true;
  } else {
    trailer_name_ = 0;
  }
  trailers_->push_back(c);
}

void BodyDecoder::end_trailer_line() {
  if (trailers_ == nullptr) return;
  std::string& out = *trailers_;
  const std::string_view name(out.data() + trailer_line_, trailer_name_);
  if (!may_relay_trailer(name)) {
    out.resize(trailer_line_);
    return;
  }
  while (out.size() > trailer_line_ + trailer_name_ + 1 && is_ws(out.back())) out.pop_back();
  out.append("\r\n");
}

}  // namespace centinela::http
