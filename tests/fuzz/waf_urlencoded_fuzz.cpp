// The WAF's urlencoded reader (queries and form bodies) on hostile text: one
// argument per piece, decoding never grows a name or value.
#include <algorithm>
#include <string_view>

#include "fuzz_target.h"
#include "waf/urlencoded.h"

namespace {

struct Checking : centinela::waf::BodySink {
  std::string_view text;
  unsigned arguments = 0;
  bool argument(std::string_view name, std::string_view value,
                centinela::waf::ArgumentOrigin) override {
    ++arguments;
    fuzz_check(name.size() + value.size() <= text.size(), "decoding grew the text");
    return true;
  }
  void file(std::string_view, std::string_view) override { fuzz_check(false, "a form file"); }
  void part_header(std::string_view, std::string_view) override {
    fuzz_check(false, "a form part header");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::waf;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Checking sink;
  sink.text = text;
  const UrlencodedWalk walk = walk_urlencoded(text, ArgumentOrigin::form, sink);
  // std::getline's pieces: every '&' ends one, and a non-empty rest is one more.
  const auto separators = static_cast<unsigned>(std::count(text.begin(), text.end(), '&'));
  const unsigned pieces = separators + (text.empty() || text.back() == '&' ? 0 : 1);
  fuzz_check(walk.arguments == pieces && sink.arguments == pieces, "argument count");
  fuzz_check(!walk.invalid_encoding || text.find('%') != std::string_view::npos,
             "invalid encoding without a '%'");
  return 0;
}
