// SecLang rule files (the WAF's rules; a config reload reads them): any
// bytes parse without a crash, with bounded errors that print as ASCII, and
// the typed view of whatever rules come out is safe to call.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "seclang/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::seclang;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParseResult result = parse_text(text, "fuzz.conf", /*includes=*/false);
  fuzz_check(result.errors.size() <= kMaxErrors + 1, "too many errors kept");
  for (const ParseError& error : result.errors) {
    const std::string line = error.to_string();
    fuzz_check(line.size() < 512, "error message too long");
    for (char c : line) fuzz_check(c >= 0x20 && c < 0x7f, "error message not printable ASCII");
    fuzz_check(error.where.line >= 1 && error.where.column >= 1, "error without a place");
  }
  fuzz_check(result.items.size() <= size, "more items than bytes");
  for (const Item& item : result.items) {
    const Rule* rule = std::get_if<Rule>(&item);
    if (!rule) continue;
    fuzz_check(rule->chain.size() < kMaxChainLinks, "chain over its bound");
    fuzz_check(rule->is_action || !rule->variables.empty(), "rule without variables");
    fuzz_check(rule->id().has_value(), "rule kept without a valid id");
    (void)rule->phase();
    (void)rule->severity();
    (void)rule->transformations();
    (void)rule->ctls();
    for (const Rule& link : rule->chain) {
      fuzz_check(link.chain.empty() && !link.is_action, "link with a chain, or a SecAction");
    }
  }
  return 0;
}
