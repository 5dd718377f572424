// Deep-decoded views (issue 13: decoders before matching): the text hidden
// in an argument, cookie, User-Agent or Referer under base64, hex, double
// URL encoding, %u, entities, JS escapes, overlong UTF-8 or full-width forms
// becomes one more value of the same variable, so every rule and tokeniser
// that reads the variable reads the text too. Most values have nothing to
// decode: deep_decode's first pass finds no trigger and returns.
#include <algorithm>
#include <array>
#include <memory>
#include <string>
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

bool is_named(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] + 32) : name[i];
    if (c != lower[i]) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A query parameter's value as an application reads it (%XX, '+' a space).
std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

ThreadDecoding& thread_decoding() {
  thread_local ThreadDecoding decoding;
  return decoding;
}

}  // namespace

void RequestView::add_decoded_views() {
  if (limits_.decoding.max_depth == 0) return;
  for (Collection c :
       {Collection::args, Collection::request_cookies, Collection::request_headers}) {
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
    // The page a Referer names carries its own query: each parameter's
    // value is a view (what the site's analytics or search reads from it).
    if (collection == Collection::request_headers && is_named(variable.name, "referer")) {
      add_referer_views(variable);
    }
  }
}

void RequestView::add_referer_views(const Variable& referer) {
  const std::string_view url = referer.value.substr(0, limits_.decoding.value_bytes);
  const std::size_t question = url.find('?');
  if (question == std::string_view::npos) return;
  const std::string_view query = url.substr(question + 1, url.find('#', question) - question - 1);
  std::size_t start = 0;
  while (start < query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals + 1 == pair.size()) continue;
    const std::string value = form_decode(pair.substr(equals + 1));
    if (decoded_bytes_ + value.size() > limits_.decoding.request_bytes) return;
    decoded_bytes_ += value.size();
    const Variable view{referer.name, arena_.copy(value), decode::bit(decode::Decoder::url)};
    add(Collection::request_headers, view.name, view.value, view.decoded);
    add_views(Collection::request_headers, view);
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
