// The benign API requests the WAF CPU drivers inspect (see waf_cpu.cpp).
#pragma once

#include <string>
#include <vector>

#include "stage/request_context.h"

namespace bench {

struct Request {
  std::string name;  // "get", "json"
  centinela::stage::RequestHead head;
  std::string client_ip;
  std::string body;
};

// Built once.
const std::vector<Request>& requests();

}  // namespace bench
