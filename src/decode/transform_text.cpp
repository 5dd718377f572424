// lowercase, removeNulls, removeWhitespace, compressWhitespace, cmdLine,
// replaceComments, hexEncode, sha1, length: ModSecurity 3.0.9's behaviour,
// written as a scan for the next byte that matters, unchanged stretches kept
// as they are.
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <charconv>

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

// Quotes, backslashes and carets dropped; runs of separators (space, comma,
// semicolon, tab, CR, LF) become one space, and none is left before '/' or
// '('; ASCII letters lower-cased.
bool cmd_line(std::string_view in, std::string& out) {
  if (!triggers(Transform::cmd_line).any_in(in)) return false;
  // The bytes the switch acts on: a run of any other is kept whole (prose
  // and field values are mostly such runs).
  static constexpr ByteSet kActs = [] {
    ByteSet set{'"', '\'', '\\', '^', ' ', ',', ';', '\t', '\r', '\n', '/', '('};
    set.add_range('A', 'Z');
    return set;
  }();
  Output o(in, out);
  bool space = false;
  for (std::size_t at = 0; at < in.size();) {
    const std::size_t next = kActs.find(in, at);
    if (next != at) {
      o.keep(at, next);
      space = false;
      at = next;
      continue;
    }
    const char c = in[at++];
    switch (c) {
      case '"':
      case '\'':
      case '\\':
      case '^':
        break;
      case ' ':
      case ',':
      case ';':
      case '\t':
      case '\r':
      case '\n':
        if (!space) {
          o.put(' ');
          space = true;
        }
        break;
      case '/':
      case '(':
        if (space) o.truncate(o.size() - 1);
        space = false;
        o.put(c);
        break;
      default:  // 'A'..'Z'
        o.put(static_cast<char>(c + 32));
        space = false;
        break;
    }
  }
  return o.finish();
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
