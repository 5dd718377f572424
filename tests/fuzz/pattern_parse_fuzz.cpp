// An @rx pattern as a rule file may hold it: the PCRE reader of the pattern
// library parses or refuses it in bounded time, never crashes, and what it
// derives holds together: every piece of a split parses too.
#include <string_view>

#include "fuzz_target.h"
#include "pattern/analysis.h"
#include "pattern/split.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::pattern;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParseResult parsed = parse(text);
  if (!parsed.ok) {
    fuzz_check(!parsed.error.empty(), "a refusal without a reason");
    return 0;
  }
  required_bytes(parsed.ast);
  may_match_lf(parsed.ast);
  uses_subject_anchors(parsed.ast);
  is_case_insensitive(parsed.ast);
  can_match_within(parsed.ast, ByteSet{}.set('a'));
  const auto candidates = detail::split_candidates(parsed.ast);
  // A few pieces of the largest alternation: enough to catch a bad cut
  // while keeping each input cheap.
  if (!candidates.empty()) {
    const auto pieces = detail::distribute(text, parsed.ast, candidates[0]);
    for (std::size_t i = 0; i < pieces.size() && i < 4; ++i) {
      fuzz_check(parse(pieces[i]).ok, "a piece of a split does not parse");
    }
  }
  return 0;
}
