#include "redis/command_encoding.h"

#include <charconv>

namespace centinela::redis {
namespace {

void append_header(std::string& out, char marker, std::size_t count) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, count);
  out += marker;
  out.append(digits, end);
  out += "\r\n";
}

}  // namespace

void append_command(std::string& out, const std::vector<std::string>& args) {
  append_header(out, '*', args.size());
  for (const std::string& arg : args) {
    append_header(out, '$', arg.size());
    out += arg;
    out += "\r\n";
  }
}

}  // namespace centinela::redis
