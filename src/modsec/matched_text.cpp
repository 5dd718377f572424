#include "modsec/matched_text.h"

namespace centinela::modsec {

namespace {

// CRS: "Matched Data: %{TX.0} found within %{MATCHED_VAR_NAME}: %{MATCHED_VAR}".
// The matched data may itself contain " found within ", so the target is
// taken after the last one whose remainder has the "NAME: " shape.
MatchedText from_logdata(std::string_view logdata) {
  constexpr std::string_view kFound = " found within ";
  if (logdata.rfind("Matched Data: ", 0) != 0) return {};
  for (std::size_t at = logdata.find(kFound); at != std::string_view::npos;
       at = logdata.find(kFound, at + 1)) {
    const std::string_view rest = logdata.substr(at + kFound.size());
    const std::size_t colon = rest.find(": ");
    if (colon == std::string_view::npos) continue;
    const std::string_view target = rest.substr(0, colon);
    if (target.empty() || target.find(' ') != std::string_view::npos) continue;
    return {target, rest.substr(colon + 2)};
  }
  return {};
}

// libmodsecurity: "Matched \"Operator `Rx' with parameter `...' against
// variable `ARGS:q' (Value: `...' )".
MatchedText from_match(std::string_view match) {
  constexpr std::string_view kVariable = "against variable `";
  constexpr std::string_view kValue = "' (Value: `";
  const std::size_t start = match.rfind(kVariable);
  if (start == std::string_view::npos) return {};
  const std::string_view rest = match.substr(start + kVariable.size());
  const std::size_t end = rest.find(kValue);
  if (end == std::string_view::npos) return {};
  std::string_view value = rest.substr(end + kValue.size());
  if (value.size() >= 3 && value.substr(value.size() - 3) == "' )") {
    value.remove_suffix(3);
  }
  return {rest.substr(0, end), value};
}

}  // namespace

MatchedText matched_text(std::string_view logdata, std::string_view match) {
  MatchedText found = from_logdata(logdata);
  if (found.target.empty()) found = from_match(match);
  return found;
}

}  // namespace centinela::modsec
