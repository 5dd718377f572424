// Program::joined: per phase, the values of the view variables a pipeline's
// joinable links read, transformed by that pipeline and joined with LF, are
// scanned once per Hyperscan database and @pm word list. A pattern that
// misses the joined text misses every single value in it (LF stands where
// a value starts or ends: MULTILINE ^ and $ still hold there, and the
// joinable patterns have no whole-subject anchors), so its links are
// decided without visiting their values; a hit sends the link the usual
// way, value by value. Between phases the joined state stays while the
// view does (new_phase).
#include <algorithm>
#include <cstring>

#include "pattern/literal_set.h"
#include "pattern/matcher.h"
#include "waf/eval_buffers.h"

namespace centinela::waf {

// A few per thread: an evaluation waiting for a body keeps its own while
// the worker runs others. Buffers that served a body of many values keep
// their grown capacity (megabytes: outputs, masks and columns per value and
// pipeline node); only two such are kept, so that bursts of large bodies
// waiting at once do not leave a worker holding one per request.
struct Evaluation::BufferPool {
  static constexpr std::size_t kKept = 16;
  static constexpr std::size_t kLargeKept = 2;
  static constexpr std::size_t kLargeValues = 256;  // a variable's values, by capacity
  std::vector<std::unique_ptr<Buffers>> small;
  std::vector<std::unique_ptr<Buffers>> large;

  static bool is_large(const Buffers& b) {
    return std::any_of(b.joined_vars.begin(), b.joined_vars.end(),
                       [](const auto& joined) { return joined.values.capacity() > kLargeValues; });
  }
};

Evaluation::BufferPool& Evaluation::buffer_pool() {
  thread_local BufferPool pool;
  return pool;
}

std::unique_ptr<Evaluation::Buffers, Evaluation::ReleaseBuffers> Evaluation::acquire_buffers() {
  BufferPool& pool = buffer_pool();
  std::unique_ptr<Buffers> buffers;
  // A large one first: a body of many values finds its capacity there, and a
  // request without one (the head only, decided at once) gives it straight back.
  auto& from = pool.large.empty() ? pool.small : pool.large;
  if (from.empty()) {
    buffers = std::make_unique<Buffers>();
  } else {
    buffers = std::move(from.back());
    from.pop_back();
  }
  // Nothing of the previous evaluation is current.
  ++buffers->request;
  ++buffers->phase;
  buffers->clear_strings();
  return std::unique_ptr<Buffers, ReleaseBuffers>(buffers.release());
}

void Evaluation::ReleaseBuffers::operator()(Buffers* buffers) const {
  std::unique_ptr<Buffers> owned(buffers);
  BufferPool& pool = buffer_pool();
  if (BufferPool::is_large(*owned)) {
    if (pool.large.size() < BufferPool::kLargeKept) pool.large.push_back(std::move(owned));
  } else if (pool.small.size() < BufferPool::kKept) {
    pool.small.push_back(std::move(owned));
  }
}

// The joined texts, their scans and word-list hits hold while the view
// holds the same values: collections only grow (the few values replaced in
// place, ARGS_COMBINED_SIZE and the like, are never joined), so equal sizes
// and the same body processor (REQUEST_BODY's reading) mean an equal view.
// A GET's body phase reuses what its head phase scanned.
void Evaluation::new_phase() {
  std::array<std::uint32_t, kCollections + 1> sizes{};
  for (std::size_t c = 0; c < kCollections; ++c) {
    sizes[c] = static_cast<std::uint32_t>(view_.get(static_cast<Collection>(c)).size());
  }
  sizes[kCollections] = static_cast<std::uint32_t>(view_.body_processor());
  if (view_known_ && sizes == view_sizes_) return;
  view_sizes_ = sizes;
  view_known_ = true;
  ++buffers_->phase;
}

// A joined variable's values and masks, in Buffers::joined_vars (sized by
// the constructor), by the slot make_program gave it.
void Evaluation::collect_joined_var(std::uint32_t slot) {
  Buffers& b = *buffers_;
  Buffers::JoinedVar& joined = b.joined_vars[slot];
  joined.values.clear();
  collect(program_.joined_vars[slot], joined.values);
  joined.masks.clear();
  joined.any_value = ByteMask{};
  for (const Value& v : joined.values) {
    joined.masks.push_back(b.mask(v.value.substr(0, limits_.value_bytes)));
    for (std::size_t w = 0; w < joined.any_value.bits.size(); ++w) {
      joined.any_value.bits[w] |= joined.masks.back().bits[w];
    }
  }
  joined.phase = b.phase;
}

// The parent's column first (the root's is the values themselves): a value
// holding none of the trigger bytes of the steps from the root is its own
// output without a look at the parent; otherwise the node's step runs only
// when the parent's output holds one of its triggers (decode::triggers), so
// the steps after one that changed a value cost a mask test, not a call.
Evaluation::NodeColumn& Evaluation::column(std::uint32_t slot, std::uint32_t node) {
  Buffers& b = *buffers_;
  Buffers::JoinedVar& joined = b.joined_vars[slot];
  const auto& nodes = program_.set->pipelines;
  if (joined.columns.size() < nodes.size()) joined.columns.resize(nodes.size());
  NodeColumn& column = joined.columns[node];
  if (column.phase == b.phase) return column;
  const std::size_t n = joined.values.size();
  column.outs.resize(n);
  column.masks.resize(n);
  column.known.assign(n, 0);
  column.changed.clear();
  const ByteMask& chain = b.chain_triggers[node];
  const bool every = b.chain_every[node] != 0;
  const std::uint32_t parent = nodes[node].parent;
  // A chain deeper than transform_steps walks (32 steps) is left to it.
  const bool deep = nodes[node].depth > 32;
  NodeColumn* from = nullptr;
  if (parent != 0 && !deep && (every || joined.any_value.intersects(chain))) {
    from = &this->column(slot, parent);
  }
  const Buffers::ChainStep& step = b.node_step[node];
  const std::size_t limit = limits_.value_bytes;
  for (std::size_t i = 0; i < n; ++i) {
    const Value& v = joined.values[i];
    const std::string_view base(v.value.data(), std::min(v.value.size(), limit));
    const ByteMask& mask = joined.masks[i];
    if (!every && !mask.intersects(chain)) {
      column.outs[i] = base;
      continue;
    }
    if (deep) {
      column.outs[i] = transformed(v, node, mask);
      if (column.outs[i].data() != base.data())
        column.changed.push_back(static_cast<std::uint32_t>(i));
      continue;
    }
    const std::string_view in = from != nullptr ? from->outs[i] : base;
    const ByteMask& in_mask = from != nullptr ? from->mask(i, base, mask) : mask;
    const bool acts = step.every || in_mask.intersects(step.triggers) ||
                      (step.ends_in_dot && !in.empty() && in.back() == '.');
    column.outs[i] = acts ? apply_step(step.transform, in, v.stable) : in;
    // An output the step left as it is has its input's mask.
    if (column.outs[i].data() == base.data()) continue;
    column.changed.push_back(static_cast<std::uint32_t>(i));
    if (column.outs[i].data() == in.data()) {
      column.masks[i] = in_mask;
      column.known[i] = 1;
    }
  }
  column.phase = b.phase;
  return column;
}

// Buffers::JoinedVar::raw, for this phase.
const std::string& Evaluation::raw_text(std::uint32_t slot) {
  Buffers::JoinedVar& joined = buffers_->joined_vars[slot];
  if (joined.raw_phase == buffers_->phase) return joined.raw;
  joined.raw.clear();
  joined.offsets.clear();
  for (const Value& v : joined.values) {
    joined.offsets.push_back(static_cast<std::uint32_t>(joined.raw.size()));
    joined.raw.append(v.value.substr(0, limits_.value_bytes));
    joined.raw.push_back('\n');
  }
  joined.offsets.push_back(static_cast<std::uint32_t>(joined.raw.size()));
  joined.raw_phase = buffers_->phase;
  return joined.raw;
}

std::string_view Evaluation::joined_text(std::uint32_t pipeline) {
  Buffers& b = *buffers_;
  if (b.text.size() <= pipeline) {
    b.text.resize(program_.set->pipelines.size());
    b.text_phase.resize(program_.set->pipelines.size(), 0);
  }
  std::string& out = b.text[pipeline];
  if (b.text_phase[pipeline] == b.phase) return out;
  // The text's pieces first (they stay put for the request), then copied
  // once its size is known: a body's values are many and short, and an
  // append per value cost more than its copy.
  std::vector<std::string_view>& parts = b.text_parts;
  parts.clear();
  std::size_t size = 0;
  for (const std::uint32_t slot : program_.joined_slots[pipeline]) {
    joined_var(slot);
    const Buffers::JoinedVar& joined = b.joined_vars[slot];
    const auto n = static_cast<std::uint32_t>(joined.values.size());
    if (!Buffers::by_columns(joined)) {
      // transformed()'s first test, here: most values pass most pipelines
      // as they are, without a call.
      const ByteMask& triggers = b.chain_triggers[pipeline];
      const bool may_skip = !b.chain_every[pipeline];
      for (std::uint32_t i = 0; i < n; ++i) {
        const Value& v = joined.values[i];
        const std::string_view part = may_skip && !joined.masks[i].intersects(triggers)
                                          ? v.value.substr(0, limits_.value_bytes)
                                          : transformed(v, pipeline, joined.masks[i]);
        parts.push_back(part);
        size += part.size() + 1;
      }
      continue;
    }
    // The values joined as they are, but for the outputs the pipeline
    // changed: the runs between them are copied whole.
    const std::string_view raw = raw_text(slot);
    const std::vector<std::uint32_t>& at = joined.offsets;
    const auto run = [&](std::uint32_t from, std::uint32_t to) {
      parts.push_back(raw.substr(at[from], at[to] - at[from] - 1));
      size += at[to] - at[from];
    };
    std::uint32_t from = 0;  // the first value of the run not yet copied
    if (pipeline != 0) {
      const NodeColumn& c = column(slot, pipeline);
      for (const std::uint32_t i : c.changed) {
        if (i > from) run(from, i);
        parts.push_back(c.outs[i]);
        size += c.outs[i].size() + 1;
        from = i + 1;
      }
    }
    if (n > from) run(from, n);
  }
  out.resize(size);
  char* to = out.data();
  for (const std::string_view part : parts) {
    if (!part.empty()) std::memcpy(to, part.data(), part.size());
    to += part.size();
    *to++ = '\n';
  }
  b.text_phase[pipeline] = b.phase;
  return out;
}

bool Evaluation::joined_may_match(const JoinGate& gate) {
  Buffers& b = *buffers_;
  if (gate.kind == OpKind::pm && gate.word_group != kNoSlot) return group_hit(gate);
  if (gate.kind == OpKind::pm) {
    for (const Buffers::WordsHit& w : b.words) {
      if (w.words == gate.literals && w.pipeline == gate.pipeline && w.phase == b.phase) {
        return w.hit;
      }
    }
    const std::string_view text = joined_text(gate.pipeline);
    bool hit = false;
    const pattern::ScanStatus status =
        gate.literals->scan(text, scratch_.scan, [&](unsigned, std::size_t) {
          hit = true;
          return false;
        });
    hit |= status == pattern::ScanStatus::error;  // unknown: look at the values
    std::erase_if(b.words, [&](const Buffers::WordsHit& w) { return w.phase != b.phase; });
    b.words.push_back({gate.literals, gate.pipeline, b.phase, hit});
    return hit;
  }
  const RxMatcher* matcher = program_.set->rx.get();
  if (matcher == nullptr || matcher->database(gate.db) == nullptr) return true;
  if (!gate.multi_match) return joined_rx_hit(gate, gate.pipeline);
  // multiMatch: the pattern runs on the value after every step. A step that
  // changed no value leaves the text as the later step saw it: the same
  // database over the same bytes misses again, so it is not scanned.
  std::string_view later;
  for (std::uint32_t node = gate.pipeline;; node = program_.set->pipelines[node].parent) {
    const std::string_view text = joined_text(node);
    if (node == gate.pipeline || text != later) {
      if (joined_rx_hit(gate, node)) return true;
    }
    later = text;
    if (node == 0) return false;
  }
}

// The link's database over the joined text of `pipeline`: its own
// pipeline's (one scan per database and phase), or for a multiMatch link an
// earlier step's (Buffers::step_scans).
bool Evaluation::joined_rx_hit(const JoinGate& gate, std::uint32_t pipeline) {
  Buffers& b = *buffers_;
  const RxMatcher& matcher = *program_.set->rx;
  std::vector<std::uint64_t>* bits = nullptr;
  if (pipeline == gate.pipeline) {
    if (b.rx_bits.size() <= gate.db) {
      b.rx_bits.resize(matcher.databases());
      b.rx_phase.resize(matcher.databases(), 0);
    }
    bits = &b.rx_bits[gate.db];
    if (b.rx_phase[gate.db] != b.phase) {
      b.rx_phase[gate.db] = b.phase;
      if (gate.db < program_.gated.size() && !program_.gated[gate.db].clauses.empty()) {
        scan_gated(gate.db, *bits);
      } else {
        scan_joined(*matcher.database(gate.db), matcher.entries(gate.db), pipeline, *bits);
      }
    }
  } else {
    Buffers::StepScan* found = nullptr;
    for (Buffers::StepScan& s : b.step_scans) {
      if (s.db == gate.db && s.pipeline == pipeline) found = &s;
    }
    if (found == nullptr) found = &b.step_scans.emplace_back(Buffers::StepScan{gate.db, pipeline});
    bits = &found->bits;
    if (found->phase != b.phase) {
      found->phase = b.phase;
      scan_joined(*matcher.database(gate.db), matcher.entries(gate.db), pipeline, *bits);
    }
  }
  return ((*bits)[gate.entry / 64] >> (gate.entry % 64)) & 1;
}

// A list of a word group: the group's database over the joined text, once a
// phase for all its lists.
bool Evaluation::group_hit(const JoinGate& gate) {
  Buffers& b = *buffers_;
  const RuleSet::WordGroup& group = program_.set->word_groups[gate.word_group];
  if (b.group_hits.size() < program_.set->word_groups.size()) {
    b.group_hits.resize(program_.set->word_groups.size());
  }
  Buffers::GroupHits& hits = b.group_hits[gate.word_group];
  if (hits.phase != b.phase) {
    hits.phase = b.phase;
    hits.members.assign((group.members + 63) / 64, 0);
    const pattern::ScanStatus status =
        group.words->scan(joined_text(gate.pipeline), scratch_.scan, [&](unsigned id, std::size_t) {
          const std::uint32_t member = id < group.member_of.size() ? group.member_of[id] : 0;
          hits.members[member / 64] |= std::uint64_t{1} << (member % 64);
        });
    // Unknown: look at the values.
    if (status == pattern::ScanStatus::error)
      std::fill(hits.members.begin(), hits.members.end(), ~0ull);
  }
  return (hits.members[gate.word_member / 64] >> (gate.word_member % 64)) & 1;
}

void Evaluation::scan_joined(const pattern::ScanDatabase& db, std::uint32_t entries,
                             std::uint32_t pipeline, std::vector<std::uint64_t>& bits) {
  const std::string_view text = joined_text(pipeline);
  bits.assign((entries + 63) / 64, 0);
  const pattern::ScanStatus status = db.scan(text, scratch_.scan, [&](unsigned id, std::size_t) {
    if (id / 64 < bits.size()) bits[id / 64] |= std::uint64_t{1} << (id % 64);
  });
  if (status == pattern::ScanStatus::error) std::fill(bits.begin(), bits.end(), ~0ull);
}

}  // namespace centinela::waf
