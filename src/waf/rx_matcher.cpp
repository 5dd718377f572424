#include "waf/rx_matcher.h"

#include <map>
#include <set>
#include <tuple>

#include "pattern/analysis.h"
#include "pattern/matcher.h"
#include "waf/api_gates.h"
#include "waf/ruleset.h"

namespace centinela::waf {

namespace {

// One pattern of one pipeline, with what the rules using it say about
// where it belongs.
struct Use {
  std::uint32_t pipeline = 0;
  const std::string* source = nullptr;
  std::uint8_t level = 4;  // the lowest paranoia level of a rule using it
  bool api_gated = true;   // every rule using it is gated in the api profile
  bool multi_match = false;
  std::set<std::string> targets;  // what its links read (for gated databases)
  bool reads_body = false;        // a target a body adds values to
};

struct Group {
  std::vector<pattern::Entry> entries;
  std::uint32_t next = 0;
  bool gated = false;
  bool own_text = false;
};

struct Planned {
  RxPlan plan;
  std::vector<std::string> pieces;
  unsigned flags = pattern::kSingleMatch;
};

// A target as a key: a gated database holds the patterns of links reading
// the same targets, so its text holds no value only other links read (the
// command lists of 932 read arguments and cookies; 920's byte checks, the
// headers).
std::string target_key(const Target& t) {
  std::string key = std::to_string(static_cast<unsigned>(t.var));
  key += t.count ? "&" : ":";
  key += t.selector_regex ? "/" : "";
  key += t.selector;
  return key;
}

// Variables a body adds values to (ARGS of a JSON body: hundreds).
bool body_var(Var var) {
  switch (var) {
    case Var::args:
    case Var::args_post:
    case Var::args_names:
    case Var::args_post_names:
    case Var::request_body:
    case Var::xml:
    case Var::files:
    case Var::files_names:
    case Var::multipart_part_headers:
      return true;
    default:
      return false;
  }
}

// A rule's paranoia level, from CRS's tag; 1 without one.
std::uint8_t paranoia_level(const RuleSet& set, const Rule& rule) {
  constexpr std::string_view kTag = "paranoia-level/";
  for (std::uint16_t t : rule.tags) {
    const std::string& tag = set.tags[t];
    if (tag.size() == kTag.size() + 1 && tag.starts_with(kTag) && tag.back() >= '1' &&
        tag.back() <= '4') {
      return static_cast<std::uint8_t>(tag.back() - '0');
    }
  }
  return 1;
}

Planned analyse_one(const std::string& source, RxMatcher& counts,
                    const std::filesystem::path* cache_dir) {
  // Deciding Hyperscan's form costs trial compilations (~10 s for all of
  // CRS): through the cache, a reload reads the decisions instead.
  const pattern::Analysis a =
      cache_dir ? pattern::analyse_cached(source, *cache_dir) : pattern::analyse(source);
  Planned out;
  RxPlan& p = out.plan;
  p.joinable = a.parsed && !a.subject_anchors;
  if (a.parsed && a.error.empty()) {
    for (unsigned b = 0; b < 256; ++b) {
      if (a.required.test(b)) p.required[b / 64] |= std::uint64_t{1} << (b % 64);
    }
  }
  switch (a.form) {
    case pattern::Form::exact:
    case pattern::Form::split:
      p.form = RxPlan::Form::hyperscan_exact;
      ++counts.exact;
      break;
    case pattern::Form::prefilter:
      p.form = RxPlan::Form::hyperscan_prefilter;
      out.flags |= pattern::kPrefilter;
      ++counts.prefilter;
      break;
    case pattern::Form::pcre_only:
      p.form = RxPlan::Form::pcre_only;
      ++counts.pcre_only;
      break;
  }
  if (p.form != RxPlan::Form::pcre_only && a.error.empty()) {
    out.pieces = a.pieces;
  } else {
    p.form = RxPlan::Form::pcre_only;
  }
  return out;
}

// Every match holds a byte no letter or digit is: a value of plain words
// cannot match, so most values of a request stay out of the scan.
bool selective(const RxPlan& p) {
  const std::array<std::uint64_t, 4> alnum = {0x03FF000000000000ull, 0x07FFFFFE07FFFFFEull, 0, 0};
  bool any = false;
  for (std::size_t w = 0; w < 4; ++w) {
    if (p.required[w] & alnum[w]) return false;
    any |= p.required[w] != 0;
  }
  return any;
}

}  // namespace

std::shared_ptr<const RxMatcher> RxMatcher::build(RuleSet& set, std::string& error,
                                                  const std::filesystem::path* cache_dir) {
  auto matcher = std::make_shared<RxMatcher>();
  // Every (pipeline, pattern) in the order the rules use them.
  using Key = std::pair<std::uint32_t, std::string_view>;  // into the rules' sources
  std::map<Key, std::size_t> use_of;
  std::vector<Use> uses;
  for (const Rule& rule : set.rules) {
    for (const Link& link : rule.links) {
      if (link.op.kind != OpKind::rx) continue;
      auto [it, added] = use_of.emplace(Key(link.pipeline, link.op.source), uses.size());
      if (added) uses.push_back(Use{link.pipeline, &link.op.source});
      Use& use = uses[it->second];
      use.level = std::min(use.level, paranoia_level(set, rule));
      use.api_gated &= api_gate(rule.id) != OpKind::unconditional;
      use.multi_match |= link.multi_match;
      for (const Target& t : link.targets) {
        use.targets.insert(target_key(t));
        use.reads_body |= body_var(t.var);
      }
    }
  }
  // A database per (pipeline, paranoia level, gated, targets): a program
  // scans only the databases of its level's patterns, each over its own
  // targets' values (Program::gated), the gated ones only over the values
  // that can match them.
  std::map<std::tuple<std::uint32_t, std::uint8_t, bool, std::string>, std::uint32_t> group_of;
  std::vector<Group> groups;
  std::vector<RxPlan> plans(uses.size());
  for (std::size_t i = 0; i < uses.size(); ++i) {
    const Use& use = uses[i];
    Planned p = analyse_one(*use.source, *matcher, cache_dir);
    if (p.plan.form != RxPlan::Form::pcre_only) {
      const bool is_gated = !use.multi_match && (use.api_gated || selective(p.plan));
      // An open pattern of the head (headers, URI, cookies) gets a database
      // per target list too, so a header's pattern is not scanned over
      // every other value. Not one read with the body's values: a JSON
      // body's arguments would then be joined and scanned once per list
      // (measured: slower), nor a multiMatch one (its links read the
      // pipeline's text at every step).
      const bool own_text = is_gated || (!use.multi_match && !use.reads_body);
      std::string targets;
      for (const std::string& t : use.targets) targets += own_text ? t + "," : "";
      auto [g, added] = group_of.emplace(std::tuple{use.pipeline, use.level, is_gated, targets},
                                         static_cast<std::uint32_t>(groups.size()));
      if (added) groups.push_back(Group{{}, 0, is_gated, own_text});
      Group& group = groups[g->second];
      p.plan.db = g->second;
      p.plan.entry = group.next++;
      for (std::string& piece : p.pieces) {
        group.entries.push_back({p.plan.entry, std::move(piece), p.flags});
      }
    }
    plans[i] = p.plan;
  }
  for (Rule& rule : set.rules) {
    for (Link& link : rule.links) {
      if (link.op.kind != OpKind::rx) continue;
      link.op.rx_plan = plans[use_of.at(Key(link.pipeline, link.op.source))];
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
    matcher->gated_.push_back(g.gated ? 1 : 0);
    matcher->own_text_.push_back(g.own_text ? 1 : 0);
    matcher->dbs_.push_back(std::move(db));
  }
  return matcher;
}

}  // namespace centinela::waf
