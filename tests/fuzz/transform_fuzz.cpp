// The ModSecurity transformations on any bytes (the first byte picks one):
// each ends, answers "changed" exactly when its output differs, leaves the
// output string alone otherwise, never changes a value without one of its
// trigger bytes, and stays within its size bound (only utf8toUnicode,
// hexEncode, sha1 and length may grow a value).
#include <string>
#include <string_view>

#include "decode/transform.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::decode;
  if (size == 0) return 0;
  const auto t = static_cast<Transform>(data[0] % kTransformCount);
  const std::string in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string out = "\x01untouched";
  const bool changed = apply(t, in, out);
  if (!changed) {
    fuzz_check(out == "\x01untouched", "unchanged but the output was written");
  } else {
    fuzz_check(out != in, "changed but equal to the input");
    fuzz_check(triggers(t).any_in(in) || changes_every_value(t), "changed without a trigger byte");
  }
  const std::string& result = changed ? out : in;
  switch (t) {
    case Transform::utf8_to_unicode:
      fuzz_check(result.size() <= 4 * in.size(), "utf8toUnicode grew too much");
      break;
    case Transform::hex_encode:
      fuzz_check(result.size() == 2 * in.size(), "hexEncode size");
      break;
    case Transform::sha1:
      fuzz_check(result.size() == 20, "sha1 size");
      break;
    case Transform::length:
      fuzz_check(result == std::to_string(in.size()), "length");
      break;
    default:
      fuzz_check(result.size() <= in.size(), "a decoder grew the value");
  }
  // The same answer again into a string that already holds something.
  std::string again = result;
  const bool changed_again = apply(t, in, again);
  fuzz_check(changed_again == changed, "not deterministic");
  if (changed) fuzz_check(again == out, "not deterministic");
  return 0;
}
