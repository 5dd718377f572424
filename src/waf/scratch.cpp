#include "waf/scratch.h"

#include <algorithm>
#include <array>

#include "pattern/confirmer.h"
#include "pattern/literal_set.h"
#include "pattern/matcher.h"
#include "waf/ruleset.h"
#include "waf/rx_matcher.h"

namespace centinela::waf {

namespace {

// The Hyperscan scratch only grows, so once it served a rule set it keeps
// serving it. After a reload a worker runs requests of the old and the new
// rule set side by side for a while: remembering a few generations keeps it
// from re-reserving every database at each switch.
struct ThreadScratch {
  std::array<std::uint64_t, 4> served{};
  std::size_t next = 0;
  pattern::ConfirmScratch confirm;
  pattern::Scratch scan;

  bool serves(std::uint64_t generation) const {
    return std::find(served.begin(), served.end(), generation) != served.end();
  }
};

}  // namespace

EvalScratch thread_scratch(const RuleSet& set) {
  thread_local ThreadScratch scratch;
  if (!scratch.serves(set.generation)) {
    std::string error;
    for (const auto& literals : set.literal_sets) {
      // On failure the scan reports an error and @pm does not match; the
      // rule set's load already reserved the same databases once.
      scratch.scan.reserve(literals->database(), error);
    }
    if (set.rx) {
      for (std::uint32_t db = 0; db < set.rx->databases(); ++db) {
        scratch.scan.reserve(*set.rx->database(db), error);
      }
    }
    scratch.served[scratch.next] = set.generation;
    scratch.next = (scratch.next + 1) % scratch.served.size();
  }
  return {scratch.confirm, scratch.scan};
}

}  // namespace centinela::waf
