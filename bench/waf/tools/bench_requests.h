// The benign API requests the WAF CPU drivers inspect (see waf_cpu.cpp).
#pragma once

#include <string>
#include <vector>

#include "waf/inspection.h"

namespace bench {

struct Request {
  std::string name;  // "get", "json"
  centinela::waf::RequestHead head;
  std::string body;
};

// Built once; the heads' views point into static storage.
const std::vector<Request>& requests();

}  // namespace bench
