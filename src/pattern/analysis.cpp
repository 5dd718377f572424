#include "pattern/analysis.h"

#include "pattern/analysis_steps.h"
#include "pattern/confirmer.h"
#include "pattern/hs_check.h"
#include "pattern/split.h"

namespace centinela::pattern {
namespace {

// A hostile pattern must not make analyse() compile without end.
constexpr int kSplitCompileBudget = 400;
constexpr int kSplitDepth = 2;               // a piece may be split once more
constexpr std::size_t kSplitCandidates = 4;  // alternations tried per level

// Distributes `text` over one of its alternations so that every piece
// compiles exactly; a piece still too large is split again (bounded).
bool split_exact(std::string_view text, const Ast& ast, int depth, int& budget,
                 std::vector<std::string>& out) {
  const auto candidates = detail::split_candidates(ast);
  for (std::size_t c = 0; c < candidates.size() && c < kSplitCandidates; ++c) {
    const auto pieces = detail::distribute(text, ast, candidates[c]);
    if (pieces.size() < 2) continue;
    std::vector<std::string> accepted;
    bool all = true;
    for (const std::string& piece : pieces) {
      if (--budget < 0) return false;
      const detail::HsCheck check = detail::hs_check(piece, /*prefilter=*/false);
      if (check.ok) {
        accepted.push_back(piece);
        continue;
      }
      const ParseResult parsed = check.too_large && depth > 0 ? parse(piece) : ParseResult{};
      if (!parsed.ok || !split_exact(piece, parsed.ast, depth - 1, budget, accepted)) {
        all = false;
        break;
      }
    }
    if (all) {
      for (auto& piece : accepted) out.push_back(std::move(piece));
      return true;
    }
  }
  return false;
}

void describe(const ParseResult& parsed, Analysis& analysis) {
  analysis.parsed = parsed.ok;
  if (!parsed.ok) {
    analysis.parse_error = parsed.error;
    return;
  }
  analysis.required = required_bytes(parsed.ast);
  analysis.may_match_lf = may_match_lf(parsed.ast);
  analysis.may_match_empty = may_match_empty(parsed.ast);
  analysis.subject_anchors = uses_subject_anchors(parsed.ast);
  analysis.case_insensitive = is_case_insensitive(parsed.ast);
  analysis.ast = std::make_shared<const Ast>(parsed.ast);
}

}  // namespace

std::string_view form_name(Form form) {
  switch (form) {
    case Form::exact:
      return "exact";
    case Form::split:
      return "split";
    case Form::prefilter:
      return "prefilter";
    case Form::pcre_only:
      return "pcre_only";
  }
  return "?";
}

namespace detail {

bool analyse_syntax(std::string_view pcre, Analysis& analysis, ParseResult& parsed) {
  std::string error;
  // No JIT: only validity and the group count are wanted here.
  const auto confirmer = Confirmer::compile(pcre, error, /*jit=*/false);
  if (!confirmer) {
    analysis.error = std::move(error);
    return false;
  }
  analysis.captures = confirmer->capture_groups();
  parsed = parse(pcre);
  describe(parsed, analysis);
  return true;
}

void decide_form(std::string_view pcre, const ParseResult& parsed, Analysis& analysis) {
  analysis.pieces.clear();
  const detail::HsCheck exact = detail::hs_check(pcre, /*prefilter=*/false);
  if (exact.ok) {
    analysis.form = Form::exact;
    analysis.pieces.emplace_back(pcre);
    return;
  }
  analysis.hs_error = exact.error;
  int budget = kSplitCompileBudget;
  if (exact.too_large && parsed.ok &&
      split_exact(pcre, parsed.ast, kSplitDepth - 1, budget, analysis.pieces)) {
    analysis.form = Form::split;
    return;
  }
  analysis.pieces.clear();
  analysis.form = Form::pcre_only;
  if (detail::hs_check(pcre, /*prefilter=*/true).ok) {
    analysis.form = Form::prefilter;
    analysis.pieces.emplace_back(pcre);
  }
}

}  // namespace detail

Analysis analyse(std::string_view pcre) {
  Analysis analysis;
  ParseResult parsed;
  if (detail::analyse_syntax(pcre, analysis, parsed)) detail::decide_form(pcre, parsed, analysis);
  return analysis;
}

}  // namespace centinela::pattern
