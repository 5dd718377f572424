// lowercase, removeNulls, removeWhitespace, compressWhitespace, cmdLine,
// replaceComments, hexEncode, sha1, length: ModSecurity 3.0.9's behaviour,
// written as a scan for the next byte that matters, unchanged stretches kept
// as they are.
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include "decode/output.h"
#include "decode/transform.h"
#include "decode/transforms.h"
#include "util/hex.h"

namespace centinela::decode::tfn {
namespace {

// Drops every byte of `drop`.
bool remove_bytes(std::string_view in, std::string& out, const ByteSet& drop) {
  std::size_t i = drop.find(in);
  if (i == in.size()) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i < in.size()) {
    o.keep(kept, i);
    kept = i + 1;
    i = drop.find(in, kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

}  // namespace

bool lowercase(std::string_view in, std::string& out) {
  const ByteSet& upper = triggers(Transform::lowercase);
  std::size_t i = upper.find(in);
  if (i == in.size()) return false;
  // A copy mapped in place: prose has an upper-case letter every few bytes,
  // where keeping stretches between them cost more than the bytes.
  out.assign(in);
  for (; i < out.size(); ++i) {
    if (upper.contains(static_cast<unsigned char>(out[i]))) out[i] = static_cast<char>(out[i] + 32);
  }
  return true;
}

bool remove_nulls(std::string_view in, std::string& out) {
  return remove_bytes(in, out, triggers(Transform::remove_nulls));
}

// Whitespace (C locale) and both bytes of a UTF-8 NBSP, each on its own:
// 3.0.9 drops any 0xa0 or 0xc2 byte.
bool remove_whitespace(std::string_view in, std::string& out) {
  return remove_bytes(in, out, triggers(Transform::remove_whitespace));
}

// A run of whitespace becomes one space (NBSP is not whitespace here).
bool compress_whitespace(std::string_view in, std::string& out) {
  const ByteSet& space = triggers(Transform::compress_whitespace);
  std::size_t i = space.find(in);
  if (i == in.size()) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i < in.size()) {
    o.keep(kept, i);
    o.put(' ');
    while (i < in.size() && space.contains(static_cast<unsigned char>(in[i]))) ++i;
    kept = i;
    i = space.find(in, kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

namespace {

// What cmdLine does with a byte. kKept and kUpper first, each its value
// times 32 added to the byte: one test and no jump for most bytes.
enum CmdRole : std::uint8_t { kKept = 0, kUpper = 1, kDropped, kSeparator, kJoins };

constexpr std::array<std::uint8_t, 256> cmd_roles() {
  std::array<std::uint8_t, 256> roles{};
  for (unsigned char c : {'"', '\'', '\\', '^'}) roles[c] = kDropped;
  for (unsigned char c : {' ', ',', ';', '\t', '\r', '\n'}) roles[c] = kSeparator;
  roles['/'] = kJoins;
  roles['('] = kJoins;
  for (unsigned c = 'A'; c <= 'Z'; ++c) roles[c] = kUpper;
  return roles;
}
constexpr std::array<std::uint8_t, 256> kCmdRoles = cmd_roles();

// The rest of the input from `at` on, written at `w`; `space` says whether
// the output so far ends in a separator's space. Returns the output's end.
char* cmd_line_rest(std::string_view in, std::size_t at, char* w, bool space) {
  for (; at < in.size(); ++at) {
    const char c = in[at];
    const std::uint8_t role = kCmdRoles[static_cast<unsigned char>(c)];
    if (role <= kUpper) {
      *w++ = static_cast<char>(c + (role << 5));
      space = false;
      continue;
    }
    if (role == kSeparator) {
      if (!space) *w++ = ' ';
      space = true;
    } else if (role == kJoins) {
      if (space) --w;
      space = false;
      *w++ = c;
    }  // kDropped: nothing written, `space` left as it is
  }
  return w;
}

}  // namespace

// Quotes, backslashes and carets dropped; runs of separators (space, comma,
// semicolon, tab, CR, LF) become one space, and none is left before '/' or
// '('; ASCII letters lower-cased.
bool cmd_line(std::string_view in, std::string& out) {
  // The stretch the output leaves as it is: bytes kept, single spaces not
  // before '/' or '(' (header values and prose are mostly that). At the first
  // byte that differs the output is bound to differ: every later step only
  // appends, drops a space or drops a byte, so it ends shorter or holds a
  // lower-cased letter or a space where the input has something else.
  bool space = false;
  std::size_t at = 0;
  for (; at < in.size(); ++at) {
    const char c = in[at];
    const std::uint8_t role = kCmdRoles[static_cast<unsigned char>(c)];
    if (role == kKept || (role == kJoins && !space)) {
      space = false;
    } else if (c == ' ' && !space) {
      space = true;
    } else {
      break;
    }
  }
  if (at == in.size()) return false;
  out.resize(in.size());  // the output is never longer than the input
  std::copy_n(in.data(), at, out.data());
  out.resize(static_cast<std::size_t>(cmd_line_rest(in, at, out.data() + at, space) - out.data()));
  return true;
}

// Each /* ... */ becomes one space; an unterminated comment runs to the end
// (and still leaves its space).
bool replace_comments(std::string_view in, std::string& out) {
  std::size_t i = in.find("/*");
  if (i == std::string_view::npos) return false;
  Output o(in, out);
  std::size_t kept = 0;
  while (i != std::string_view::npos) {
    o.keep(kept, i);
    o.put(' ');
    const std::size_t close = in.find("*/", i + 2);
    if (close == std::string_view::npos) return o.finish();
    kept = close + 2;
    i = in.find("/*", kept);
  }
  o.keep(kept, in.size());
  return o.finish();
}

bool hex_encode(std::string_view in, std::string& out) {
  if (in.empty()) return false;
  out.clear();
  util::append_hex(out, {reinterpret_cast<const unsigned char*>(in.data()), in.size()});
  return true;
}

namespace {

// SHA1() fetches the algorithm from OpenSSL's providers on every call (most
// of its cost on a User-Agent, CRS 901318's per request): fetched once per
// thread, with a context reused.
struct Sha1Digest {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Sha1Digest() = default;
  Sha1Digest(const Sha1Digest&) = delete;
  Sha1Digest& operator=(const Sha1Digest&) = delete;
  ~Sha1Digest() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  bool run(std::string_view in, unsigned char* digest) {
    unsigned int size = 0;
    return md != nullptr && ctx != nullptr && EVP_DigestInit_ex2(ctx, md, nullptr) == 1 &&
           EVP_DigestUpdate(ctx, in.data(), in.size()) == 1 &&
           EVP_DigestFinal_ex(ctx, digest, &size) == 1 && size == SHA_DIGEST_LENGTH;
  }
};

}  // namespace

// The 20 raw bytes of the digest (CRS hex-encodes them next).
bool sha1(std::string_view in, std::string& out) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  thread_local Sha1Digest reused;
  if (!reused.run(in, digest.data())) {
    SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest.data());
  }
  out.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  return true;
}

// The byte count in decimal.
bool length(std::string_view in, std::string& out) {
  std::array<char, 24> digits{};
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), in.size());
  const std::string_view text(digits.data(), static_cast<std::size_t>(result.ptr - digits.data()));
  if (text == in) return false;  // "1" is its own length
  out.assign(text);
  return true;
}

}  // namespace centinela::decode::tfn
