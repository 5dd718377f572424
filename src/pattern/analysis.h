// How one @rx pattern is run, decided at load: by Hyperscan exactly, by
// Hyperscan in pieces, by a Hyperscan prefilter confirmed with PCRE2, or by
// PCRE2 alone; and what the pattern needs of its subject (required bytes,
// line feeds) so values can be left out of scans that cannot match them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pattern/ast.h"

namespace centinela::pattern {

enum class Form : std::uint8_t {
  exact,      // pieces = {pattern}: a Hyperscan match is a PCRE2 match
  split,      // pieces: the pattern distributed over an alternation; it
              // matches iff one piece does (give the pieces one id)
  prefilter,  // pieces = {pattern} compiled HS_FLAG_PREFILTER: a hit must
              // be confirmed with PCRE2, no hit means no match
  pcre_only,  // pieces empty: Hyperscan cannot take it; PCRE2 on every value
};

std::string_view form_name(Form form);

struct Analysis {
  Form form = Form::pcre_only;
  std::vector<std::string> pieces;  // Hyperscan expressions (see Form)

  // Every match holds at least one of these bytes, so a value without any
  // of them cannot match. Empty: unknown (or the pattern can match empty).
  ByteSet required;

  // A match may contain a line feed (or a lookaround may look across one):
  // the pattern cannot be scanned over LF-joined values without a check on
  // the single value. True when unknown.
  bool may_match_lf = true;

  // The pattern can match an empty string. Hyperscan never reports an empty
  // match, so such a pattern must be confirmed with PCRE2 on values it did
  // not report (e.g. ^.*$ matches an empty value). True when unknown.
  bool may_match_empty = true;

  // \A \z \Z or \G: positions of the whole subject, which a scan over
  // joined values does not keep. True when unknown.
  bool subject_anchors = true;

  // Every atom takes both cases of each letter and there is no back
  // reference: the pattern matches s iff it matches lowercase(s), so a
  // t:lowercase before it changes nothing. False when unknown.
  bool case_insensitive = false;

  // Capture groups PCRE2 counts (for `capture`).
  int captures = 0;
  // The syntax tree, when parsed (for questions such as can_match_within).
  std::shared_ptr<const Ast> ast;
  bool parsed = false;      // the AST was built (else required/LF are worst case)
  std::string parse_error;  // why not, when !parsed
  std::string hs_error;     // Hyperscan's refusal of the whole pattern, if any
  // PCRE2 refused the pattern: it is not a valid @rx (ModSecurity refuses
  // the rule at load). Nothing else here is meaningful then.
  std::string error;
};

// Analyses `pcre` as ModSecurity 3 compiles @rx: PCRE2 with DOTALL |
// MULTILINE in byte mode; Hyperscan with HS_FLAG_DOTALL | HS_FLAG_MULTILINE.
// Costs one or more Hyperscan compilations (milliseconds; a large pattern
// that must be split, up to a second): call at load, not per request.
Analysis analyse(std::string_view pcre);

// analyse() through the compile cache in `dir`: what Hyperscan decided for
// this pattern (form, pieces, refusal) under this Hyperscan version is read
// from a file there, or decided and stored; the rest is recomputed (cheap).
// Deciding all of CRS costs ~10 s of CPU; reading it, milliseconds.
// `hit` tells whether the file was used. A damaged file is ignored.
Analysis analyse_cached(std::string_view pcre, const std::filesystem::path& dir,
                        bool* hit = nullptr);

// What analyse() derives from a parsed pattern alone (exposed for tests and
// for callers that already hold an AST).
ByteSet required_bytes(const Ast& ast);
bool may_match_lf(const Ast& ast);
bool may_match_empty(const Ast& ast);
bool uses_subject_anchors(const Ast& ast);
bool is_case_insensitive(const Ast& ast);

// False only when no string made of bytes in `alphabet` alone can hold a
// match (e.g. no value written in [A-Za-z0-9_.-] can match "<script"): such
// values can skip the pattern. Lookarounds are assumed satisfiable.
bool can_match_within(const Ast& ast, const ByteSet& alphabet);

}  // namespace centinela::pattern
