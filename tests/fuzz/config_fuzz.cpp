// Configuration text: whatever the file holds, loading ends with a config or
// with errors (file:line: message), never both, never a crash.
#include <string>

#include "config/config.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const config::LoadResult result = config::load_string(text, "fuzz.yaml");
  fuzz_check(result.config.has_value() == result.errors.empty(),
             "a config with errors, or neither a config nor an error");
  for (const auto& error : result.errors) {
    fuzz_check(!error.to_string().empty(), "an empty error message");
  }
  return 0;
}
