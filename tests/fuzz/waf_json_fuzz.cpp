// The WAF's JSON body walker on hostile bodies: bounded (depth, values, name
// bytes), never an error for a cut prefix of a body it accepts whole, and a
// prefix never yields more values than the whole.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "waf/json_body.h"

namespace {

struct Counting : centinela::waf::BodySink {
  unsigned arguments = 0;
  std::size_t name_bytes = 0;
  bool argument(std::string_view name, std::string_view value,
                centinela::waf::ArgumentOrigin) override {
    ++arguments;
    name_bytes += name.size();
    fuzz_check(name.starts_with("json"), "a JSON argument name not under json");
    return true;
  }
  void file(std::string_view, std::string_view) override { fuzz_check(false, "a JSON file"); }
  void part_header(std::string_view, std::string_view) override {
    fuzz_check(false, "a JSON part header");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::waf;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  JsonLimits limits;
  limits.max_depth = 8;
  limits.max_values = 64;
  limits.max_name_bytes = 4096;
  Counting whole;
  const JsonWalk walk = walk_json(body, true, limits, whole);
  fuzz_check(whole.arguments <= limits.max_values, "more values than the limit");
  fuzz_check(whole.name_bytes <= limits.max_name_bytes, "more name bytes than the limit");
  fuzz_check(walk.error == !walk.message.empty(), "an error without a message");
  for (std::size_t cut : {size / 3, size / 2, size - size / 4}) {
    Counting part;
    const JsonWalk prefix = walk_json(body.substr(0, cut), false, limits, part);
    if (!walk.error) {
      fuzz_check(!prefix.error, "a cut prefix of an accepted body is an error");
      fuzz_check(part.arguments <= whole.arguments, "a prefix has more values than the whole");
    }
  }
  return 0;
}
