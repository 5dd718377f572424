// Deep-decoded views (issue 13: decoders before matching): the text hidden
// in an argument, cookie, User-Agent or Referer under base64, hex, double
// URL encoding, %u, entities, JS escapes, overlong UTF-8 or full-width forms
// becomes one more value of the same variable, so every rule and tokeniser
// that reads the variable reads the text too. Most values have nothing to
// decode: deep_decode's first pass finds no trigger and returns.
#include <array>
#include <memory>
#include <vector>

#include "decode/deep_decode.h"
#include "waf/request_view.h"

namespace centinela::waf {
namespace {

bool is_inspected_header(std::string_view name) {
  auto same = [&](std::string_view lower) {
    if (name.size() != lower.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != lower[i]) return false;
    }
    return true;
  };
  return same("user-agent") || same("referer");
}

// The decoders waf.decode turns off, as a mask of DecoderSet bits.
decode::DecoderSet disabled(const ViewDecoding& d) {
  decode::DecoderSet off = 0;
  if (!d.base64) off |= decode::bit(decode::Decoder::base64) | decode::bit(decode::Decoder::jwt);
  if (!d.hex) off |= decode::bit(decode::Decoder::hex);
  if (!d.unicode) {
    off |= decode::bit(decode::Decoder::url_unicode) | decode::bit(decode::Decoder::js) |
           decode::bit(decode::Decoder::overlong) | decode::bit(decode::Decoder::nfkc);
  }
  return off;
}

// This thread's decoding memory, one per depth bound (views are copied into
// the request's arena at once, so requests interleaved on a worker share it).
struct ThreadDecoding {
  std::array<std::unique_ptr<decode::DecodeBudget>, 9> budgets;
  std::vector<decode::DecodedView> views;

  decode::DecodeBudget& budget(unsigned depth) {
    auto& b = budgets[depth];
    if (!b) {
      decode::DeepDecodeLimits limits;
      limits.max_depth = depth;
      b = std::make_unique<decode::DecodeBudget>(64 * 1024, limits);
    }
    return *b;
  }
};

ThreadDecoding& thread_decoding() {
  thread_local ThreadDecoding decoding;
  return decoding;
}

}  // namespace

void RequestView::add_decoded_views() {
  if (limits_.decoding.max_depth == 0) return;
  for (Collection c : {Collection::args, Collection::request_cookies, Collection::request_headers}) {
    const auto i = static_cast<std::size_t>(c);
    const std::uint32_t from = decoded_upto_[i];
    add_views_of(c, from);
    decoded_upto_[i] = collections_[i].size;
  }
}

void RequestView::add_views_of(Collection collection, std::uint32_t from) {
  const Items& items = collections_[static_cast<std::size_t>(collection)];
  const std::uint32_t end = items.size;  // not the views added below
  for (std::uint32_t i = from; i < end; ++i) {
    // A copy: adding views may move the collection's array.
    const Variable variable = items.data[i];
    if (variable.decoded != 0 || variable.value.empty()) continue;
    if (collection == Collection::request_headers && !is_inspected_header(variable.name)) continue;
    add_views(collection, variable);
  }
}

void RequestView::add_views(Collection collection, const Variable& variable) {
  const ViewDecoding& d = limits_.decoding;
  if (decoded_bytes_ >= d.request_bytes) return;
  ThreadDecoding& t = thread_decoding();
  decode::DecodeBudget& budget = t.budget(std::min(d.max_depth, 8u));
  budget.reset();
  t.views.clear();
  decode::deep_decode(variable.value.substr(0, d.value_bytes), budget, t.views);
  const decode::DecoderSet off = disabled(d);
  for (const decode::DecodedView& view : t.views) {
    if ((view.decoders & off) != 0 || view.text.empty()) continue;
    if (decoded_bytes_ + view.text.size() > d.request_bytes) return;
    decoded_bytes_ += view.text.size();
    add(collection, variable.name, arena_.copy(view.text), view.decoders);
  }
}

}  // namespace centinela::waf
