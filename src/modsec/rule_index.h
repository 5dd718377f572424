// The ids and tags of the rules in a set of SecLang files, read with
// centinela's own SecLang parser: what `centinela check` compares a route's
// exclusions with, what expands an exclusion's id range into the ids
// libmodsecurity's SecRuleUpdateTargetById takes one by one, and the tags
// of a finding whose rule message carries none (libmodsecurity 3.0.9 leaves
// the tags out of the messages of CRS's `block` rules).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace centinela::modsec {

class RuleIndex {
 public:
  // `files` resolved, in load order; what does not parse is left out
  // (libmodsecurity itself reports it when it loads the files) — but for a
  // rule with an operator ModSecurity does not know, which libmodsecurity
  // 3.0.9 loads without a word, reading "@name arg" as a regex of that text:
  // such rules are listed in not_honoured().
  static RuleIndex read(std::span<const std::string> files);

  bool has_rule(const config::WafRuleRange& range) const;
  bool has_tag(std::string_view tag) const;
  // The loaded ids in `range`, ascending (a single id even when unknown).
  std::vector<std::uint32_t> ids_in(const config::WafRuleRange& range) const;
  std::span<const std::string> tags_of(std::uint32_t id) const;
  std::size_t size() const { return tags_.size(); }

  void add(std::uint32_t id, std::vector<std::string> tags);

  // A rule libmodsecurity loads but cannot honour (as waf::LoadReport's).
  struct NotHonoured {
    std::uint32_t id = 0;  // 0: none (a chain's later link of an id-less rule)
    std::string where;     // file:line:col
    std::string why;
  };
  std::span<const NotHonoured> not_honoured() const { return not_honoured_; }

 private:
  std::map<std::uint32_t, std::vector<std::string>> tags_;  // by rule id
  std::vector<NotHonoured> not_honoured_;
};

}  // namespace centinela::modsec
