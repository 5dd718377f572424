// The WAF's multipart/form-data walker on hostile bodies (the first line of
// the input is the Content-Type): bounded parts and header lines, and a cut
// prefix of a body it accepts whole is never an error.
#include <string_view>

#include "fuzz_target.h"
#include "waf/multipart_body.h"

namespace {

struct Counting : centinela::waf::BodySink {
  unsigned fields = 0;
  unsigned files = 0;
  bool argument(std::string_view name, std::string_view, centinela::waf::ArgumentOrigin) override {
    fuzz_check(!name.empty(), "a field without a name");
    ++fields;
    return true;
  }
  void file(std::string_view name, std::string_view filename) override {
    fuzz_check(!name.empty() && !filename.empty(), "a file without a name");
    ++files;
  }
  void part_header(std::string_view, std::string_view line) override {
    fuzz_check(line.size() <= 4096 * 2, "an unbounded part header line");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::waf;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  MultipartLimits limits;
  limits.max_parts = 8;
  limits.max_header_lines = 4;
  Counting whole;
  const MultipartWalk walk = walk_multipart(type, body, true, limits, whole);
  fuzz_check(walk.parts <= limits.max_parts + 1, "more parts than the limit");
  fuzz_check(whole.fields + whole.files <= limits.max_parts, "more fields than parts");
  for (std::size_t cut : {body.size() / 3, body.size() / 2, body.size() - body.size() / 4}) {
    Counting part;
    const MultipartWalk prefix = walk_multipart(type, body.substr(0, cut), false, limits, part);
    if (!walk.error) fuzz_check(!prefix.error, "a cut prefix of an accepted body is an error");
  }
  return 0;
}
