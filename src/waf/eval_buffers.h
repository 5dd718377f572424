// Internal to the evaluator: what one evaluation keeps per request, in
// buffers that go back to a per-thread pool when it ends, so a worker in
// steady state inspects without allocating (the tables and strings keep
// their capacity; stamps tell the current request's entries from old ones).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detect.h"
#include "waf/evaluation.h"

namespace centinela::waf {

// Open addressing keyed by (bytes' address, length, tag); an entry is live
// when its stamp is the current one, so clearing costs nothing.
template <class T>
class StampedTable {
 public:
  struct Key {
    const char* data = nullptr;
    std::size_t size = 0;
    std::uint32_t tag = 0;
    bool operator==(const Key&) const = default;
  };

  T* find(const Key& key, std::uint64_t stamp) {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = index(key);; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (s.stamp != stamp) return nullptr;
      if (s.key == key) return &s.value;
    }
  }

  // `key` must be absent.
  T& insert(const Key& key, std::uint64_t stamp) {
    if (stamp != stamp_) {
      stamp_ = stamp;
      used_ = 0;
    }
    if ((used_ + 1) * 2 > slots_.size()) grow();
    ++used_;
    for (std::size_t i = index(key);; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (s.stamp == stamp_) continue;
      s.key = key;
      s.stamp = stamp_;
      return s.value;
    }
  }

 private:
  struct Slot {
    Key key;
    std::uint64_t stamp = 0;
    T value{};
  };
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t index(const Key& k) const {
    std::uint64_t h = reinterpret_cast<std::uintptr_t>(k.data) ^ (k.size * 0x9E3779B97F4A7C15ull) ^
                      (std::uint64_t{k.tag} * 0xC2B2AE3D27D4EB4Full);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return static_cast<std::size_t>(h) & mask();
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
    used_ = 0;
    for (Slot& s : old) {
      if (s.stamp != stamp_) continue;
      ++used_;
      for (std::size_t i = index(s.key);; i = (i + 1) & mask()) {
        if (slots_[i].stamp == stamp_) continue;
        slots_[i] = std::move(s);
        break;
      }
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  std::uint64_t stamp_ = 0;
};

// The bytes a value holds, as a bit set, to tell which transformations can
// change it without running them.
struct ByteMask {
  std::array<std::uint64_t, 4> bits{};
  bool intersects(const ByteMask& other) const {
    return ((bits[0] & other.bits[0]) | (bits[1] & other.bits[1]) | (bits[2] & other.bits[2]) |
            (bits[3] & other.bits[3])) != 0;
  }
};

inline ByteMask mask_of(std::string_view value) {
  // Four bytes a step: the loop's own test and jump cost as much as a byte.
  ByteMask m;
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  std::size_t i = 0;
  for (; i + 4 <= value.size(); i += 4) {
    m.bits[p[i] >> 6] |= std::uint64_t{1} << (p[i] & 63);
    m.bits[p[i + 1] >> 6] |= std::uint64_t{1} << (p[i + 1] & 63);
    m.bits[p[i + 2] >> 6] |= std::uint64_t{1} << (p[i + 2] & 63);
    m.bits[p[i + 3] >> 6] |= std::uint64_t{1} << (p[i + 3] & 63);
  }
  for (; i < value.size(); ++i) m.bits[p[i] >> 6] |= std::uint64_t{1} << (p[i] & 63);
  return m;
}

// A joined variable's values through one pipeline node and their byte
// masks, made from the parent node's column by the node's own step: each
// (value, node) costs one mask test, and a step runs only on a value whose
// bytes it acts on (Evaluation::column).
struct Evaluation::NodeColumn {
  std::uint64_t phase = 0;
  std::vector<std::string_view> outs;
  // The mask of outs[i] where it is not the value itself (`base`, whose
  // mask is JoinedVar::masks[i]), made when first asked for (known[i]):
  // most outputs are the value, and most others end a pipeline, read by a
  // scan, not by a later step or a clause.
  std::vector<ByteMask> masks;
  std::vector<std::uint8_t> known;
  std::vector<std::uint32_t> changed;  // the i whose outs[i] is not the value
  const ByteMask& mask(std::size_t i, std::string_view base, const ByteMask& base_mask) {
    if (outs[i].data() == base.data()) return base_mask;
    if (known[i] == 0) {
      masks[i] = mask_of(outs[i]);
      known[i] = 1;
    }
    return masks[i];
  }
};

struct Evaluation::Buffers {
  // `request` stamps what lives for the whole request (transformations, hit
  // bits: the view's values stay put); `phase` what a phase recomputes (the
  // joined values, which a body adds to).
  std::uint64_t request = 0, phase = 0;
  TxState tx;  // Evaluation::tx_

  // Transformation outputs by (input, decode::Transform): a pipeline's
  // output is its steps' entries, shared by every pipeline that reaches
  // the same input (Evaluation::apply_step).
  StampedTable<std::string_view> applied;
  StampedTable<ByteMask> masks;
  // The byte mask of bytes that stay put for the request (a view value, a
  // kept transformation), computed once; valid until the next call.
  const ByteMask& mask(std::string_view value) {
    const StampedTable<ByteMask>::Key key{value.data(), value.size(), 0};
    if (const ByteMask* known = masks.find(key, request)) return *known;
    return masks.insert(key, request) = mask_of(value);
  }
  // By pipeline node: the trigger bytes of every step from the root, and
  // whether a step changes every value; for RuleSet::generation
  // `chain_generation` (0: recomputed per request).
  std::vector<ByteMask> chain_triggers;
  std::vector<char> chain_every;
  // Each node's steps from the root, flat: node n's are
  // [chain_begin[n], chain_begin[n + 1]) of chain_steps.
  struct ChainStep {
    ByteMask triggers;
    decode::Transform transform = decode::Transform::none;
    bool every = false;  // decode::changes_every_value
    // normalizePath(Win) in node_step: `triggers` are the slashes, and a
    // value ending in '.' may change too (a lone "." or a final "..";
    // tfn::normalize_path): names and prose with full stops are left as they are.
    bool ends_in_dot = false;
  };
  std::vector<ChainStep> chain_steps;
  std::vector<std::uint32_t> chain_begin;
  std::vector<ChainStep> node_step;  // by node: its own step (none for the root)
  std::uint64_t chain_generation = 0;
  StampedTable<std::uint32_t> rx_hits;  // offset of the bits in `bits`
  std::vector<std::uint64_t> bits;
  std::uint64_t bits_request = 0;  // `bits` holds that request's

  // Strings the request owns (transformed values, numbers): a deque keeps
  // their addresses; `strings_used` of them are this request's.
  std::deque<std::string> strings;
  std::size_t strings_used = 0;
  // strings[strings_used] once looked up (a deque's index costs a few
  // divisions; most steps tried leave their input as it is and reuse it).
  std::string* pending = nullptr;
  std::string& next_string() {
    if (pending == nullptr) {
      if (strings_used == strings.size()) strings.emplace_back();
      pending = &strings[strings_used];
    }
    return *pending;
  }
  std::string_view commit_string() {
    const std::string_view kept = *pending;
    ++strings_used;
    pending = nullptr;
    return kept;
  }
  void clear_strings() {
    strings_used = 0;
    pending = nullptr;
  }

  std::vector<Value> link_values;

  // Program::joined.
  std::vector<std::string> text;  // by pipeline node
  // joined_text's pieces, in order, each to be followed by a line feed:
  // outputs, and runs of a variable's joined values (JoinedVar::raw) but
  // for the run's last line feed.
  std::vector<std::string_view> text_parts;
  std::vector<std::uint64_t> text_phase;
  std::vector<std::vector<std::uint64_t>> rx_bits;  // by database
  std::vector<std::uint64_t> rx_phase;
  // A multiMatch link's database over an earlier step's joined text.
  struct StepScan {
    std::uint32_t db = 0, pipeline = 0;
    std::uint64_t phase = 0;
    std::vector<std::uint64_t> bits;
  };
  std::vector<StepScan> step_scans;
  struct WordsHit {
    const void* words;
    std::uint32_t pipeline;
    std::uint64_t phase;
    bool hit;
  };
  std::vector<WordsHit> words;
  // By RuleSet::word_groups: which of the group's lists hit the joined text
  // of its pipeline, scanned once a phase.
  struct GroupHits {
    std::uint64_t phase = 0;
    std::vector<std::uint64_t> members;
  };
  std::vector<GroupHits> group_hits;
  // A joined variable's values with their byte masks, collected once per
  // phase for all the pipelines that join it; by Program::joined_vars slot.
  struct JoinedVar {
    std::uint64_t phase = 0;
    std::vector<Value> values;
    std::vector<ByteMask> masks;
    ByteMask any_value;               // the union of `masks`
    std::vector<NodeColumn> columns;  // by pipeline node (Evaluation::column)
    // The values joined with LF (value i's line at offsets[i]), made once a
    // phase for a variable by columns: a joined text copies its runs of
    // values a pipeline left as they are (Evaluation::joined_text).
    std::string raw;
    std::vector<std::uint32_t> offsets;
    std::uint64_t raw_phase = 0;
  };
  // A variable with few values (a header, the head's arguments) is
  // transformed value by value (transformed()): a column's fixed cost would
  // outweigh what it saves.
  static bool by_columns(const JoinedVar& joined) { return joined.values.size() >= 16; }
  std::vector<JoinedVar> joined_vars;
  std::string gated_text;  // a gated database's values (Evaluation::scan_gated)
  // Tokeniser verdicts by (value, OpKind), for the request
  // (Evaluation::detection).
  StampedTable<std::optional<detect::Detection>> detections;

  // Regex exclusions' verdicts by (key's bytes, regex), for the request;
  // the tag is the regex's index in `exclusion_regexes`.
  std::vector<const void*> exclusion_regexes;
  std::uint64_t exclusion_request = 0;
  StampedTable<bool> excluded_keys;
};

inline void Evaluation::joined_var(std::uint32_t slot) {
  if (buffers_->joined_vars[slot].phase != buffers_->phase) collect_joined_var(slot);
}

}  // namespace centinela::waf
