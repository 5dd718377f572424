#include "pattern/hs_check.h"

#include <hs/hs.h>

namespace centinela::pattern::detail {

HsCheck hs_check(std::string_view expression, bool prefilter) {
  HsCheck check;
  // Hyperscan reads a C string: an embedded NUL would cut the pattern short.
  if (expression.find('\0') != std::string_view::npos) {
    check.error = "pattern holds a NUL byte";
    return check;
  }
  const std::string text(expression);
  unsigned flags = HS_FLAG_DOTALL | HS_FLAG_MULTILINE;
  if (prefilter) flags |= HS_FLAG_PREFILTER;
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile(text.c_str(), flags, HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS) {
    hs_free_database(db);
    check.ok = true;
    return check;
  }
  check.error = error && error->message ? error->message : "Hyperscan compile failed";
  hs_free_compile_error(error);
  check.too_large = check.error.find("too large") != std::string::npos ||
                    check.error.find("Resource limit") != std::string::npos;
  return check;
}

}  // namespace centinela::pattern::detail
