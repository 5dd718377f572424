#include "waf/rx_matcher.h"

#include <map>

#include "pattern/analysis.h"
#include "pattern/matcher.h"
#include "waf/ruleset.h"

namespace centinela::waf {

namespace {

struct Group {
  std::vector<pattern::Entry> entries;
  std::map<std::string, RxPlan> planned;  // by pattern: one entry per pattern and pipeline
  std::uint32_t next = 0;
};

RxPlan plan(const std::string& source, std::uint32_t db, Group& group, RxMatcher& counts,
            const std::filesystem::path* cache_dir) {
  if (auto it = group.planned.find(source); it != group.planned.end()) return it->second;
  // Deciding Hyperscan's form costs trial compilations (~10 s for all of
  // CRS): through the cache, a reload reads the decisions instead.
  const pattern::Analysis a =
      cache_dir ? pattern::analyse_cached(source, *cache_dir) : pattern::analyse(source);
  RxPlan p;
  p.db = db;
  p.entry = group.next;
  p.joinable = a.parsed && !a.subject_anchors;
  if (a.parsed && a.error.empty()) {
    for (unsigned b = 0; b < 256; ++b) {
      if (a.required.test(b)) p.required[b / 64] |= std::uint64_t{1} << (b % 64);
    }
  }
  unsigned flags = pattern::kSingleMatch;
  switch (a.form) {
    case pattern::Form::exact:
    case pattern::Form::split:
      p.form = RxPlan::Form::hyperscan_exact;
      ++counts.exact;
      break;
    case pattern::Form::prefilter:
      p.form = RxPlan::Form::hyperscan_prefilter;
      flags |= pattern::kPrefilter;
      ++counts.prefilter;
      break;
    case pattern::Form::pcre_only:
      p.form = RxPlan::Form::pcre_only;
      ++counts.pcre_only;
      break;
  }
  if (p.form != RxPlan::Form::pcre_only && a.error.empty()) {
    for (const std::string& piece : a.pieces) group.entries.push_back({p.entry, piece, flags});
    ++group.next;
  } else {
    p.form = RxPlan::Form::pcre_only;
  }
  group.planned.emplace(source, p);
  return p;
}

}  // namespace

std::shared_ptr<const RxMatcher> RxMatcher::build(RuleSet& set, std::string& error,
                                                  const std::filesystem::path* cache_dir) {
  auto matcher = std::make_shared<RxMatcher>();
  std::map<std::uint32_t, std::uint32_t> db_of_pipeline;
  std::vector<Group> groups;
  for (Rule& rule : set.rules) {
    for (Link& link : rule.links) {
      if (link.op.kind != OpKind::rx) continue;
      auto [it, added] = db_of_pipeline.emplace(link.pipeline, groups.size());
      if (added) groups.emplace_back();
      link.op.rx_plan = plan(link.op.source, it->second, groups[it->second], *matcher, cache_dir);
    }
  }
  for (const Group& g : groups) {
    std::unique_ptr<pattern::ScanDatabase> db =
        cache_dir ? pattern::ScanDatabase::build_cached(g.entries, *cache_dir, error)
                  : pattern::ScanDatabase::build(g.entries, error);
    if (!db) {
      // Every @rx falls back to PCRE2: slower, same verdicts.
      for (Rule& rule : set.rules) {
        for (Link& link : rule.links) link.op.rx_plan.form = RxPlan::Form::pcre_only;
      }
      return nullptr;
    }
    matcher->sizes_.push_back(g.next);
    matcher->dbs_.push_back(std::move(db));
  }
  return matcher;
}

}  // namespace centinela::waf
