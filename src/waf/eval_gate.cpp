// The api profile's reading of a value by the tokenisers (program.h,
// Profile::api): a CRS rule of a gated family counts only where the
// tokeniser of its kind confirms the value it matched, and the tokenisers
// skip what an API carries as data, not code — an image as a data: URI, and
// code shown in a markdown fence (a forum post quoting SQL, a snippet of
// shell in a README). A payload sent as a fenced block is shown, not run,
// by any client that renders markdown; what a back end does with it is the
// trade-off this profile makes (profile `crs` reads everything).
#include <algorithm>
#include <cctype>

#include "waf/evaluation.h"
#include "waf/operators.h"

namespace centinela::waf {
namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// "data:image/png;base64,iVBOR..." and nothing else.
bool is_data_image(std::string_view value) {
  if (!starts_with_ignoring_case(value, "data:image/")) return false;
  const std::size_t comma = value.find(',');
  return comma != std::string_view::npos && value.substr(0, comma).ends_with(";base64") &&
         value.find_first_of(" \t\r\n<>\"'", comma) == std::string_view::npos;
}

// A fence opens a line ("```" then an optional language word and a newline).
std::size_t fence_opening(std::string_view text, std::size_t from) {
  for (std::size_t at = text.find("```", from); at != std::string_view::npos;
       at = text.find("```", at + 3)) {
    if (at != 0 && text[at - 1] != '\n') continue;
    std::size_t i = at + 3;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                               text[i] == '-' || text[i] == '+')) {
      ++i;
    }
    if (i < text.size() && (text[i] == '\n' || text[i] == '\r')) return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view Evaluation::tokenised(std::string_view value) {
  if (is_data_image(value)) return {};
  std::size_t open = fence_opening(value, 0);
  if (open == std::string_view::npos) return value;
  tokenised_.assign(value);
  while (open != std::string_view::npos) {
    const std::size_t close = tokenised_.find("\n```", open + 3);
    const std::size_t end = close == std::string::npos ? tokenised_.size() : close + 4;
    std::fill(tokenised_.begin() + static_cast<std::ptrdiff_t>(open),
              tokenised_.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    if (close == std::string::npos) break;
    open = fence_opening(tokenised_, end);
  }
  return tokenised_;
}

// `transformed` is v through the rule's pipeline: it stays put when v does.
bool Evaluation::gate_confirms(OpKind gate, const Value& v, std::string_view transformed) {
  const bool shared = shareable(v);
  if (detection(gate, v.value, v.stable, shared)) return true;
  return transformed != v.value && detection(gate, transformed, v.stable, shared).has_value();
}

}  // namespace centinela::waf
