// The static response headers of a route's whole chain, merged for net's own
// head writer: one block of lines to append to every response head, and a
// fast test for the upstream fields it replaces. Until net writes the heads
// pipeline::run hands it (issue 12); the chain has the same merged
// (pipeline::Chain::static_fields).
#pragma once

#include <bitset>
#include <boost/beast/http/field.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "stage/stage.h"

namespace centinela::proxy {

namespace http = boost::beast::http;

class StaticHeaderBlock {
 public:
  void add(const stage::StaticResponseHeaders& headers);

  std::string_view lines() const { return lines_; }
  bool empty() const { return lines_.empty() && unknown_drops_.empty() && known_drops_.none(); }

  // True when an upstream field named so must not reach the client.
  bool drops(http::field known, std::string_view name) const;

 private:
  void drop(std::string_view name);

  std::string lines_;
  std::bitset<512> known_drops_;
  std::vector<std::string> unknown_drops_;  // lower-case
};

}  // namespace centinela::proxy
