// Where a libmodsecurity rule message says its rule matched: the target
// and the value, read from CRS's logdata ("Matched Data: X found within
// ARGS:q: VALUE") or, failing that, from libmodsecurity's own match text
// ("... against variable `ARGS:q' (Value: `VALUE' )").
#pragma once

#include <string_view>

namespace centinela::modsec {

struct MatchedText {
  std::string_view target;  // "ARGS:q"; empty when neither text says
  std::string_view value;
};

// `logdata`: the message's m_data; `match`: its m_match.
MatchedText matched_text(std::string_view logdata, std::string_view match);

}  // namespace centinela::modsec
