#include "waf/scratch.h"

#include "pattern/confirmer.h"
#include "pattern/literal_set.h"
#include "pattern/matcher.h"
#include "waf/ruleset.h"
#include "waf/rx_matcher.h"

namespace centinela::waf {

namespace {

struct ThreadScratch {
  std::uint64_t generation = 0;
  pattern::ConfirmScratch confirm;
  pattern::Scratch scan;
};

}  // namespace

EvalScratch thread_scratch(const RuleSet& set) {
  thread_local ThreadScratch scratch;
  if (scratch.generation != set.generation) {
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
    scratch.generation = set.generation;
  }
  return {scratch.confirm, scratch.scan};
}

}  // namespace centinela::waf
