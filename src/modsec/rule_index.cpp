#include "modsec/rule_index.h"

#include <algorithm>
#include <variant>

#include "seclang/parse.h"

namespace centinela::modsec {

RuleIndex RuleIndex::read(std::span<const std::string> files) {
  RuleIndex index;
  const seclang::ParseResult parsed = seclang::parse_files(files);
  for (const seclang::Item& item : parsed.items) {
    const auto* rule = std::get_if<seclang::Rule>(&item);
    if (rule == nullptr) continue;
    const std::optional<std::uint32_t> id = rule->id();
    if (!id) continue;
    std::vector<std::string> tags;
    for (std::string_view tag : rule->tags()) tags.emplace_back(tag);
    index.add(*id, std::move(tags));
  }
  for (const seclang::ParseError& error : parsed.errors) {
    if (error.kind != seclang::ParseError::Kind::unknown_operator) continue;
    const seclang::Location& at = error.where;
    index.not_honoured_.push_back(
        {error.rule_id, at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column),
         error.message + ": libmodsecurity reads the operator and its argument as one regex "
                         "of that text, so the rule never matches what it says"});
  }
  return index;
}

void RuleIndex::add(std::uint32_t id, std::vector<std::string> tags) {
  tags_[id] = std::move(tags);
}

bool RuleIndex::has_rule(const config::WafRuleRange& range) const {
  const auto at = tags_.lower_bound(range.first);
  return at != tags_.end() && at->first <= range.last;
}

bool RuleIndex::has_tag(std::string_view tag) const {
  return std::any_of(tags_.begin(), tags_.end(), [&](const auto& entry) {
    return std::find(entry.second.begin(), entry.second.end(), tag) != entry.second.end();
  });
}

std::vector<std::uint32_t> RuleIndex::ids_in(const config::WafRuleRange& range) const {
  if (range.first == range.last) return {range.first};
  std::vector<std::uint32_t> ids;
  for (auto at = tags_.lower_bound(range.first); at != tags_.end() && at->first <= range.last;
       ++at) {
    ids.push_back(at->first);
  }
  return ids;
}

std::span<const std::string> RuleIndex::tags_of(std::uint32_t id) const {
  const auto at = tags_.find(id);
  if (at == tags_.end()) return {};
  return at->second;
}

}  // namespace centinela::modsec
