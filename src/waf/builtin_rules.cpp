#include "waf/builtin_rules.h"

#include <iterator>

namespace centinela::waf {

namespace {

// Anomaly scoring as CRS scores a critical finding of paranoia level 1, so
// the route's threshold decides (949110) and exclusions by id work. With rule
// files that do not define tx.critical_anomaly_score they add nothing.
constexpr const char* kBuiltinRules = R"(
SecRule REQBODY_ERROR "!@eq 0" \
  "id:200002,phase:2,pass,t:none,log,\
  msg:'Failed to parse request body',\
  logdata:'%{reqbody_error_msg}',\
  tag:'centinela/body',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

SecRule MULTIPART_STRICT_ERROR "!@eq 0" \
  "id:200003,phase:2,pass,t:none,log,\
  msg:'Multipart request body failed strict validation',\
  tag:'centinela/body',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"
)";

}  // namespace

std::string_view builtin_rules_text() { return kBuiltinRules; }

seclang::ParseResult builtin_rules() {
  return seclang::parse_text(kBuiltinRules, "centinela:builtin.conf");
}

seclang::ParseResult parse_with_builtin_rules(std::span<const std::string> files) {
  seclang::ParseResult all = builtin_rules();
  seclang::ParseResult parsed = seclang::parse_files(files);
  all.items.insert(all.items.end(), std::make_move_iterator(parsed.items.begin()),
                   std::make_move_iterator(parsed.items.end()));
  all.errors = std::move(parsed.errors);
  all.files = std::move(parsed.files);
  return all;
}

}  // namespace centinela::waf
