// Hyperscan's decisions per pattern in the compile cache (cache_file.h):
// payload = form byte, then length-prefixed hs_error and pieces.
#include <charconv>

#include "pattern/analysis.h"
#include "pattern/analysis_steps.h"
#include "pattern/cache_file.h"
#include "pattern/matcher.h"

namespace centinela::pattern {
namespace {

constexpr std::string_view kMagic = "CNTLFORM1\n";

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Reads one put() field from `in`, advancing it.
bool take(std::string_view& in, std::string& field) {
  const auto colon = in.find(':');
  std::size_t size = 0;
  if (colon == std::string_view::npos ||
      std::from_chars(in.data(), in.data() + colon, size).ptr != in.data() + colon ||
      in.size() - colon - 1 < size) {
    return false;
  }
  field.assign(in.substr(colon + 1, size));
  in.remove_prefix(colon + 1 + size);
  return true;
}

std::string encode(const Analysis& analysis) {
  std::string out(1, static_cast<char>(analysis.form));
  put(out, analysis.hs_error);
  put(out, std::to_string(analysis.pieces.size()));
  for (const auto& piece : analysis.pieces) put(out, piece);
  return out;
}

bool decode(std::string_view in, Analysis& analysis) {
  if (in.empty() || static_cast<unsigned char>(in[0]) > static_cast<int>(Form::pcre_only)) {
    return false;
  }
  analysis.form = static_cast<Form>(in[0]);
  in.remove_prefix(1);
  std::string count_text;
  if (!take(in, analysis.hs_error) || !take(in, count_text)) return false;
  std::size_t count = 0;
  std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  analysis.pieces.assign(count > in.size() ? 0 : count, std::string{});
  for (auto& piece : analysis.pieces) {
    if (!take(in, piece)) return false;
  }
  return in.empty() && analysis.pieces.size() == count;
}

}  // namespace

Analysis analyse_cached(std::string_view pcre, const std::filesystem::path& dir, bool* hit) {
  if (hit) *hit = false;
  Analysis analysis;
  ParseResult parsed;
  if (!detail::analyse_syntax(pcre, analysis, parsed)) return analysis;
  std::string material = "centinela pattern form 1\n";
  put(material, hyperscan_version());
  put(material, pcre);
  const std::string name = detail::cache_file_name(material, ".form");
  if (const auto payload = detail::read_cache_file(dir, name, kMagic)) {
    Analysis stored = analysis;
    if (decode(*payload, stored)) {
      if (hit) *hit = true;
      return stored;
    }
  }
  detail::decide_form(pcre, parsed, analysis);
  detail::write_cache_file(dir, name, kMagic, encode(analysis));
  return analysis;
}

}  // namespace centinela::pattern
