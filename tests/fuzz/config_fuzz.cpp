// Configuration text: whatever the file holds, loading ends with a config or
// with errors (file:line: message), never both, never a crash.
#include <optional>
#include <string>

#include "config/config.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // A fixed environment, so `${VAR}` in an input expands the same on every run.
  config::LoadOptions options;
  options.environment = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") return "127.0.0.1:8080";
    if (name == "EMPTY") return "";
    return std::nullopt;
  };
  const config::LoadResult result = config::load_string(text, "fuzz.yaml", options);
  fuzz_check(result.config.has_value() == result.errors.empty(),
             "a config with errors, or neither a config nor an error");
  for (const auto& error : result.errors) {
    fuzz_check(!error.to_string().empty(), "an empty error message");
  }
  return 0;
}
