// Deep decoding of any bytes: it ends, keeps within its budget, its depth and
// its view count, and every view is new, valid UTF-8 and names its decoders.
#include <string>
#include <string_view>
#include <vector>

#include "decode/deep_decode.h"
#include "fuzz_target.h"

namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80                 ? 1
                    : c >= 0xC2 && c <= 0xDF ? 2
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xF0 && c <= 0xF4 ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kShortest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::decode;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  static DecodeBudget budget(1 << 16);
  budget.reset();
  std::vector<DecodedView> views;
  deep_decode(value, budget, views);
  std::size_t bytes = 0;
  fuzz_check(views.size() <= budget.limits().max_views, "too many views");
  for (std::size_t i = 0; i < views.size(); ++i) {
    const DecodedView& v = views[i];
    bytes += v.text.size();
    fuzz_check(v.depth >= 1 && v.depth <= budget.limits().max_depth, "depth out of bounds");
    fuzz_check(v.decoders != 0 && !describe(v.decoders).empty(), "a view without decoders");
    fuzz_check(v.text != value, "a view equal to the value");
    fuzz_check(valid_utf8(v.text), "a view that is not UTF-8");
    for (std::size_t k = 0; k < i; ++k) fuzz_check(views[k].text != v.text, "a duplicate view");
  }
  fuzz_check(bytes == budget.used() && bytes <= (1u << 16), "budget not kept");
  return 0;
}
