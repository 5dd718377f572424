// Deep decoding: the text hidden in a request value under encodings a back
// end or a browser would undo (base64 and base64url, hex, JWTs, URL and
// double URL encoding, %u, HTML entities, JSON/JS escapes, overlong UTF-8,
// full-width and other compatibility forms of ASCII). Each decoded form is a
// *view* the WAF scans as one more value of the same target, so CRS rules and
// the native detectors see "<script>" whether it came as
// "PHNjcmlwdD4=", "%253Cscript%253E" or "＜ｓｃｒｉｐｔ＞".
//
// A bounded fixpoint: views of views up to `max_depth` decoding steps, at most
// `max_views` per value, every byte of every view counted against the
// budget. A view exists only when it is new (not the value, not another view)
// and is text: valid UTF-8 with few control bytes, and for a base64 or hex
// blob printable and long enough, so ids, dates, numbers and words that
// happen to be valid base64 ("admin", "test1234") yield nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::decode {

// The decoders a view went through, as bits.
enum class Decoder : std::uint16_t {
  url = 1u << 0,          // %XX
  url_unicode = 1u << 1,  // %uXXXX
  html = 1u << 2,         // &lt; &#60; &#x3c
  js = 1u << 3,           // \u003c \u{3c} \x3c \074
  base64 = 1u << 4,       // base64 or base64url (also in data: URLs, Basic)
  hex = 1u << 5,          // 3c7363726970743e, 0x3c73...
  jwt = 1u << 6,          // a JWT's header and payload
  overlong = 1u << 7,     // overlong UTF-8 rewritten
  nfkc = 1u << 8,         // compatibility forms of ASCII (full-width, ...)
};
using DecoderSet = std::uint16_t;

constexpr DecoderSet bit(Decoder d) { return static_cast<DecoderSet>(d); }

// "base64", "url+html", ... in the order of the enum: what an incident's
// "decoded" says.
std::string describe(DecoderSet decoders);

struct DecodedView {
  std::string_view text;  // in the budget's storage: valid until its reset()
  DecoderSet decoders = 0;
  std::uint8_t depth = 0;  // decoding steps from the value (1 .. max_depth)
};

struct DeepDecodeLimits {
  std::size_t max_depth = 3;
  std::size_t max_views = 8;  // per value
};

// The bytes the views of one inspection may take, and the memory they live
// in: reserved once (a worker keeps one and resets it per request), never
// reallocated, so views stay valid until reset().
class DecodeBudget {
 public:
  explicit DecodeBudget(std::size_t max_bytes, DeepDecodeLimits limits = {});
  DecodeBudget(const DecodeBudget&) = delete;  // views point into it
  DecodeBudget& operator=(const DecodeBudget&) = delete;

  void reset() { storage_.clear(); }
  std::size_t used() const { return storage_.size(); }
  std::size_t remaining() const { return limit_ - storage_.size(); }
  const DeepDecodeLimits& limits() const { return limits_; }

  // Copies `text` into the storage; empty when it does not fit.
  std::string_view store(std::string_view text);

  // Scratch strings for the decoders (kept to spare allocations).
  std::string& scratch(std::size_t i) { return scratch_[i]; }

 private:
  std::string storage_;
  std::size_t limit_;
  DeepDecodeLimits limits_;
  std::string scratch_[2];
};

// Appends to `out` the views of `value` (none for most values: a first pass
// finds nothing to decode and returns).
void deep_decode(std::string_view value, DecodeBudget& budget, std::vector<DecodedView>& out);

}  // namespace centinela::decode
