#include "redis/command_encoding.h"

#include <charconv>

namespace centinela::redis {

void append_resp_header(std::string& out, char marker, std::size_t count) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, count);
  out += marker;
  out.append(digits, end);
  out += "\r\n";
}

void append_command(std::string& out, const std::vector<std::string>& args) {
  append_resp_header(out, '*', args.size());
  for (const std::string& arg : args) {
    append_resp_header(out, '$', arg.size());
    out += arg;
    out += "\r\n";
  }
}

void EncodedArgs::add(std::initializer_list<std::string_view> pieces) {
  std::size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  append_resp_header(bytes_, '$', size);
  for (std::string_view piece : pieces) bytes_ += piece;
  bytes_ += "\r\n";
  ++count_;
}

void EncodedArgs::add(std::int64_t number) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
  add(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace centinela::redis
