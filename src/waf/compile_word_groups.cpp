// RuleSet::word_groups: the @pm lists read through one pipeline, joined into
// one literal database, so that the joined text of that pipeline is scanned
// once for all of them (CRS reads five lists through t:lowercase alone at
// PL1: each scan costs its fixed part, and its tables in the caches).
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pattern/literal_set.h"
#include "waf/compile_detail.h"

namespace centinela::waf::detail {

void group_word_lists(CompileContext& ctx) {
  RuleSet& set = ctx.set;
  // By pipeline, its lists in the order first met.
  std::map<std::uint32_t, std::vector<const pattern::LiteralSet*>> by_pipeline;
  for (const Rule& rule : set.rules) {
    for (const Link& link : rule.links) {
      // A list this compile built (its words known) can join a group.
      if (link.op.kind != OpKind::pm || !ctx.literal_words.contains(link.op.literals.get())) {
        continue;
      }
      auto& lists = by_pipeline[link.pipeline];
      if (std::find(lists.begin(), lists.end(), link.op.literals.get()) == lists.end()) {
        lists.push_back(link.op.literals.get());
      }
    }
  }
  // (pipeline, list) -> (group, member)
  std::map<std::pair<std::uint32_t, const pattern::LiteralSet*>,
           std::pair<std::uint32_t, std::uint32_t>>
      places;
  for (const auto& [pipeline, lists] : by_pipeline) {
    if (lists.size() < 2) continue;
    RuleSet::WordGroup group;
    std::vector<std::string> words;
    for (std::uint32_t member = 0; member < lists.size(); ++member) {
      for (const std::string& word : ctx.literal_words.at(lists[member])) {
        words.push_back(word);
        group.member_of.push_back(member);
      }
    }
    std::string error;
    group.words = pattern::LiteralSet::build(words, error, ctx.cache_dir, /*once=*/true);
    if (!group.words) continue;  // the lists are scanned one by one, as without groups
    group.members = static_cast<std::uint32_t>(lists.size());
    const auto index = static_cast<std::uint32_t>(set.word_groups.size());
    for (std::uint32_t member = 0; member < lists.size(); ++member) {
      places[{pipeline, lists[member]}] = {index, member};
    }
    set.literal_sets.push_back(group.words);
    set.word_groups.push_back(std::move(group));
  }
  for (Rule& rule : set.rules) {
    for (Link& link : rule.links) {
      if (link.op.kind != OpKind::pm) continue;
      const auto place = places.find({link.pipeline, link.op.literals.get()});
      if (place == places.end()) continue;
      link.op.word_group = place->second.first;
      link.op.word_member = place->second.second;
    }
  }
}

}  // namespace centinela::waf::detail
