// The path the upstream receives: the route's strip_prefix, then its
// rewrite regex, applied to the path of the request-target the gateway
// forwards; the query string is kept as it is.
#pragma once

#include <boost/regex.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace centinela::rewrite {

class PathRewrite {
 public:
  explicit PathRewrite(const config::RewriteConfig& config);

  // The new request-target for `target` ("/path?query"), written into
  // `out`; false when nothing changes.
  bool apply(std::string_view target, std::string& out) const;

 private:
  bool matches(std::string_view path,
               boost::match_results<std::string_view::const_iterator>& groups) const;

  std::string strip_prefix_;
  std::optional<boost::regex> regex_;
  std::string replacement_;
};

}  // namespace centinela::rewrite
