#include "rewrite/path_rewrite.h"

namespace centinela::rewrite {

PathRewrite::PathRewrite(const config::RewriteConfig& config)
    : strip_prefix_(config.strip_prefix), replacement_(config.replacement) {
  // Boost.Regex, as route matching: its matcher is not recursive, so a long
  // path cannot exhaust the stack. `check` compiled it already.
  if (!config.regex.empty()) regex_.emplace(config.regex, boost::regex::perl);
}

bool PathRewrite::matches(std::string_view path,
                          boost::match_results<std::string_view::const_iterator>& groups) const {
  try {
    return boost::regex_match(path.begin(), path.end(), groups, *regex_);
  } catch (const std::runtime_error&) {
    // Past Boost.Regex's complexity bound (a pathological path): no match,
    // as for routing.
    return false;
  }
}

bool PathRewrite::apply(std::string_view target, std::string& out) const {
  const std::size_t query_at = target.find('?');
  std::string_view path = target.substr(0, query_at);
  const std::string_view query =
      query_at == std::string_view::npos ? std::string_view() : target.substr(query_at);
  bool changed = false;
  // "/api" strips "/api" and "/api/x", never "/apiary"; "/" strips nothing.
  const std::size_t n = strip_prefix_.size();
  if (n > 1 && path.starts_with(strip_prefix_) && (path.size() == n || path[n] == '/')) {
    path.remove_prefix(n);
    if (path.empty()) path = "/";
    changed = true;
  }
  out.clear();
  boost::match_results<std::string_view::const_iterator> groups;
  if (regex_ && matches(path, groups)) {
    for (std::size_t i = 0; i < replacement_.size(); ++i) {
      const char c = replacement_[i];
      const char next = i + 1 < replacement_.size() ? replacement_[i + 1] : '\0';
      if (c == '$' && next == '$') {
        out += '$';
        ++i;
      } else if (c == '$' && next >= '0' && next <= '9') {
        // `check` refused groups the regex does not have; a group that
        // took no part in the match is empty.
        const auto index = static_cast<int>(next - '0');
        if (index < static_cast<int>(groups.size()) && groups[index].matched) {
          out.append(groups[index].first, groups[index].second);
        }
        ++i;
      } else {
        out += c;
      }
    }
    if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
    changed = true;
  } else {
    out.assign(path);
  }
  if (!changed) return false;
  out.append(query);
  return true;
}

}  // namespace centinela::rewrite
