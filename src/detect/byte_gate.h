// The bytes without which a detector cannot report (detect.h, may_detect):
// each detector tests its gate first, so a caller that already holds a
// value's byte set skips the call with the same answer. One table per
// gate, built at compile time. The WAF relies on them being exact: a value
// whose bytes close a gate is left out of the joined text of a gated Hyperscan
// database for the rules that detector confirms (waf/eval_gated.cpp), and the
// detector is not asked about it (Evaluation::detection).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace centinela::detect {

class ByteGate {
 public:
  template <class Pred>
  constexpr explicit ByteGate(Pred holds) {
    for (unsigned c = 0; c < 256; ++c) {
      if (!holds(static_cast<unsigned char>(c))) continue;
      table_[c] = true;
      bits_[c >> 6] |= std::uint64_t{1} << (c & 63);
    }
  }

  // Whether `value` holds one of the gate's bytes.
  bool any_in(std::string_view value) const {
    for (const char c : value) {
      if (table_[static_cast<unsigned char>(c)]) return true;
    }
    return false;
  }
  // The same for a value known by its byte set (bit c % 64 of word c / 64).
  bool meets(const std::array<std::uint64_t, 4>& bytes) const {
    return ((bytes[0] & bits_[0]) | (bytes[1] & bits_[1]) | (bytes[2] & bits_[2]) |
            (bytes[3] & bits_[3])) != 0;
  }

 private:
  std::array<bool, 256> table_{};
  std::array<std::uint64_t, 4> bits_{};
};

constexpr bool is_one_of(unsigned char c, std::string_view set) {
  for (const char s : set) {
    if (static_cast<unsigned char>(s) == c) return true;
  }
  return false;
}

// SQL: syntax beyond a single word. Without one of these bytes a value is
// one identifier or number and cannot inject.
inline constexpr ByteGate kSqlGate([](unsigned char b) {
  const bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                     b == '_' || b == '.' || b >= 0x80;
  return !plain;
});

// XSS: a tag, a scheme or an entity, a call, a template literal, a
// property access by index or an assignment.
inline constexpr ByteGate kXssGate([](unsigned char b) { return is_one_of(b, "<:(`&[="); });

// Path: a separator, or the lead byte of its lookalikes U+2215, U+2216.
inline constexpr ByteGate kPathGate([](unsigned char b) { return is_one_of(b, "/\\\xe2"); });

// Shell, after the value's first word: what opens a command inside a value
// (a separator, a line break or one written out as "\n", a backtick, the '('
// of $( <( >( and of system('…'), the '=' of <!--#exec cmd="…">). The first
// word itself (a recon command, "cat /etc/passwd") needs none of them.
// detect_shell's loop must open nowhere else: a new opening goes here too.
inline constexpr ByteGate kShellOpenings([](unsigned char b) {
  return is_one_of(b, "`(=;|&\n\r\\");
});

// Shell, for a value without an opening (kShellOpenings): false when its
// first word, read as detect_shell reads a command word, is none of the
// names it looks for there (shell.cpp; a first-byte-and-length filter
// first). Most field values start with such a word.
bool may_start_command(std::string_view value);

}  // namespace centinela::detect
