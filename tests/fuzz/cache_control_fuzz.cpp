// Cache-Control (and CDN-Cache-Control) parsing, as sent by any origin or
// client: bounded, never throws, numbers within range.
#include <string_view>

#include "cache/directives.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::cache;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  auto in_range = [](const std::optional<std::int64_t>& seconds) {
    return !seconds || (*seconds >= 0 && *seconds <= kMaxDeltaSeconds);
  };
  const ResponseDirectives response = parse_response_directives(value);
  fuzz_check(in_range(response.max_age) && in_range(response.s_maxage) &&
                 in_range(response.stale_while_revalidate) && in_range(response.stale_if_error),
             "response directive out of range");
  const RequestDirectives request = parse_request_directives(value);
  fuzz_check(
      in_range(request.max_age) && in_range(request.max_stale) && in_range(request.min_fresh),
      "request directive out of range");
  if (const auto delta = parse_delta_seconds(value)) {
    fuzz_check(*delta >= 0 && *delta <= kMaxDeltaSeconds, "delta-seconds out of range");
  }
  return 0;
}
