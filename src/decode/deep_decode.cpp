#include "decode/deep_decode.h"

#include <array>

#include "decode/byte_set.h"
#include "decode/layers.h"

namespace centinela::decode {
namespace {

constexpr std::array<std::string_view, 9> kDecoderNames{
    "url", "url_unicode", "html", "js", "base64", "hex", "jwt", "overlong", "nfkc"};

struct Layer {
  DecoderSet (*decode)(std::string_view, std::string&);
  layer::TextRule rule;
};

// In the order they are tried on each value and view.
constexpr std::array<Layer, 6> kLayers{{
    {layer::url, layer::TextRule::escaped},
    {layer::html, layer::TextRule::escaped},
    {layer::js, layer::TextRule::escaped},
    {layer::jwt, layer::TextRule::blob},
    {layer::base64, layer::TextRule::blob},
    {layer::hex, layer::TextRule::blob},
}};

constexpr std::size_t kMinBlobValue = 11;  // shorter values can only hold escapes

constexpr ByteSet escape_signals() {
  ByteSet set{'%', '&', '\\'};
  set.add_range(0x80, 0xff);
  return set;
}
constexpr ByteSet kEscapeSignals = escape_signals();

class DeepDecoder {
 public:
  DeepDecoder(std::string_view value, DecodeBudget& budget, std::vector<DecodedView>& out)
      : value_(value), budget_(budget), out_(out), first_(out.size()) {}

  void run() {
    if (value_.size() < kMinBlobValue && !kEscapeSignals.any_in(value_)) return;
    std::string& normal = budget_.scratch(1);
    const DecoderSet unicode = layer::unicode(value_, normal);
    if (unicode != 0 && !add(normal, unicode, 1, layer::TextRule::escaped)) return;
    if (!peel(value_, 0, 0)) return;
    // Breadth first: the views appended meanwhile are decoded in turn.
    for (std::size_t k = first_; k < out_.size(); ++k) {
      const DecodedView view = out_[k];
      if (view.depth >= budget_.limits().max_depth) continue;
      if (!peel(view.text, view.decoders, view.depth)) return;
    }
  }

 private:
  // Every layer on `text`; false once the budget or the view count is spent.
  bool peel(std::string_view text, DecoderSet via, std::uint8_t depth) {
    std::string& decoded = budget_.scratch(0);
    std::string& normal = budget_.scratch(1);
    for (const Layer& l : kLayers) {
      DecoderSet used = l.decode(text, decoded);
      if (used == 0) continue;
      std::string_view result = decoded;
      if (const DecoderSet unicode = layer::unicode(result, normal); unicode != 0) {
        used |= unicode;
        result = normal;
      }
      if (!add(result, via | used, static_cast<std::uint8_t>(depth + 1), l.rule)) return false;
    }
    return true;
  }

  // Keeps `text` as a view when it is text and new; false when no more views
  // may be added.
  bool add(std::string_view text, DecoderSet decoders, std::uint8_t depth, layer::TextRule rule) {
    if (!layer::looks_like_text(text, rule) || text == value_) return true;
    for (std::size_t k = first_; k < out_.size(); ++k) {
      if (out_[k].text == text) return true;
    }
    const std::string_view stored = budget_.store(text);
    if (stored.size() != text.size()) return false;
    out_.push_back({stored, decoders, depth});
    return out_.size() - first_ < budget_.limits().max_views;
  }

  std::string_view value_;
  DecodeBudget& budget_;
  std::vector<DecodedView>& out_;
  std::size_t first_;
};

}  // namespace

std::string describe(DecoderSet decoders) {
  std::string out;
  for (std::size_t i = 0; i < kDecoderNames.size(); ++i) {
    if ((decoders & (1u << i)) == 0) continue;
    if (!out.empty()) out.push_back('+');
    out.append(kDecoderNames[i]);
  }
  return out;
}

DecodeBudget::DecodeBudget(std::size_t max_bytes, DeepDecodeLimits limits)
    : limit_(max_bytes), limits_(limits) {
  storage_.reserve(max_bytes);
}

std::string_view DecodeBudget::store(std::string_view text) {
  if (text.size() > remaining()) return {};
  const std::size_t at = storage_.size();
  storage_.append(text);  // within the reserved capacity: earlier views stay put
  return {storage_.data() + at, text.size()};
}

void deep_decode(std::string_view value, DecodeBudget& budget, std::vector<DecodedView>& out) {
  DeepDecoder(value, budget, out).run();
}

}  // namespace centinela::decode
