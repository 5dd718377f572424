#include "http/header_block.h"

namespace centinela::http {

HeaderBlockScan scan_header_block(std::string_view data, std::size_t limit) {
  // Tolerate the empty lines some clients send between pipelined requests.
  std::size_t start = 0;
  while (start + 1 < data.size() && data[start] == '\r' && data[start + 1] == '\n') start += 2;

  const std::size_t end = data.find("\r\n\r\n", start);
  if (end == std::string_view::npos) {
    // A bare LF will never become the CRLFCRLF we wait for: refuse it now
    // rather than at the header timeout.
    for (std::size_t i = start; i < data.size(); ++i) {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
        return {HeaderBlockStatus::malformed, 0, 0};
      }
    }
    if (data.size() > limit) return {HeaderBlockStatus::too_large, 0, 0};
    return {HeaderBlockStatus::incomplete, 0, 0};
  }
  const std::size_t size = end + 4;
  if (size > limit) return {HeaderBlockStatus::too_large, 0, 0};

  const std::string_view block = data.substr(start, end + 2 - start);
  for (std::size_t i = 0; i < block.size(); ++i) {
    const char c = block[i];
    if (c == '\0') return {HeaderBlockStatus::malformed, 0, 0};
    if (c == '\n') {
      // Every line ends in CRLF, and no line continues the previous one.
      if (i == 0 || block[i - 1] != '\r') return {HeaderBlockStatus::malformed, 0, 0};
      if (i + 1 < block.size() && (block[i + 1] == ' ' || block[i + 1] == '\t')) {
        return {HeaderBlockStatus::malformed, 0, 0};
      }
    } else if (c == '\r' && (i + 1 >= block.size() || block[i + 1] != '\n')) {
      return {HeaderBlockStatus::malformed, 0, 0};
    }
  }
  return {HeaderBlockStatus::complete, start, size};
}

}  // namespace centinela::http
