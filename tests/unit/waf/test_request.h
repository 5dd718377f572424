// A request as the WAF's tests build it: the client's head in a context (as
// the front door leaves it) and the request view ModSecurity's rules read,
// filled from the head and, when there is one, the whole body.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fake_exchange.h"
#include "waf/request_view.h"

namespace centinela::waf::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct TestRequest : testing::FakeRequest {
  TestRequest(std::string_view method, std::string_view target,
              Headers headers = {{"Host", "example.com"}}, unsigned version = 11)
      : FakeRequest(method, target, std::move(headers)) {
    head.version(version);
    ctx.client_ip = "127.0.0.1";
    view.add_head(ctx);
  }
  // The body phase (ModSecurity runs it for every request).
  void body(std::string_view bytes = {}, bool complete = true) { view.add_body(bytes, complete); }

  RequestView view{arena};
};

}  // namespace centinela::waf::test
