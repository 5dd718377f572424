// Writes a command in RESP (an array of bulk strings), the one form Redis
// accepts for any bytes in any argument.
#pragma once

#include <string>
#include <vector>

namespace centinela::redis {

void append_command(std::string& out, const std::vector<std::string>& args);

}  // namespace centinela::redis
