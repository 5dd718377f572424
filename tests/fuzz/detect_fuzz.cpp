// The four detectors on any bytes: they never read outside the value,
// report a span inside it and a fingerprint from their own tables, and give
// the same answer twice. (Bounded time is the ctest driver's timeout; the
// unit tests hold the hostile shapes.)
#include <algorithm>
#include <optional>
#include <string_view>

#include "detect/detect.h"
#include "detect/sql_fingerprint.h"
#include "fuzz_target.h"

namespace {

using centinela::detect::Detection;

void check(const std::optional<Detection>& found, const std::optional<Detection>& again,
           std::string_view value) {
  fuzz_check(found.has_value() == again.has_value(), "a detector is not deterministic");
  if (!found) return;
  fuzz_check(found->begin <= found->end && found->end <= value.size(),
             "a detection's span is outside the value");
  fuzz_check(!found->fingerprint.empty(), "a detection without a fingerprint");
  fuzz_check(found->fingerprint == again->fingerprint, "a detector is not deterministic");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::detect;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  const auto sql = detect_sql(value);
  check(sql, detect_sql(value), value);
  if (sql) {
    const auto endings = sql_ending_fingerprints();
    fuzz_check(known_sql_fingerprint(sql->fingerprint).has_value() ||
                   std::find(endings.begin(), endings.end(), sql->fingerprint) != endings.end(),
               "a SQL fingerprint outside the learned set and the endings");
  }
  check(detect_xss(value), detect_xss(value), value);
  check(detect_shell(value), detect_shell(value), value);
  check(detect_path(value), detect_path(value), value);
  return 0;
}
