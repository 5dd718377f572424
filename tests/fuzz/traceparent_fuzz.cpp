// W3C traceparent as any client may send it: parsed strictly, and whatever
// comes in, the trace the gateway continues or starts formats back into a
// well-formed traceparent.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "security/trace_context.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela;
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  if (const auto parsed = security::parse_traceparent(header)) {
    fuzz_check(security::parse_traceparent(security::format_traceparent(*parsed)).has_value(),
               "a parsed traceparent does not format back");
  }
  const std::string out = security::format_traceparent(security::continue_or_start_trace(header));
  fuzz_check(security::parse_traceparent(out).has_value(),
             "the gateway's traceparent is malformed");
  return 0;
}
