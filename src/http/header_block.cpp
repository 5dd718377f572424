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
    for (std::size_t i = data.find('\n', start); i != std::string_view::npos;
         i = data.find('\n', i + 1)) {
      if (i == 0 || data[i - 1] != '\r') return {HeaderBlockStatus::malformed, 0, 0};
    }
    if (data.size() > limit) return {HeaderBlockStatus::too_large, 0, 0};
    return {HeaderBlockStatus::incomplete, 0, 0};
  }
  const std::size_t size = end + 4;
  if (size > limit) return {HeaderBlockStatus::too_large, 0, 0};

  // memchr from one CR or LF to the next instead of a branch per byte: a
  // head is read on every request, in both directions.
  const std::string_view block = data.substr(start, end + 2 - start);
  if (block.find('\0') != std::string_view::npos) return {HeaderBlockStatus::malformed, 0, 0};
  std::size_t line_feeds = 0;
  for (std::size_t i = block.find('\n'); i != std::string_view::npos; i = block.find('\n', i + 1)) {
    // Every line ends in CRLF, and no line continues the previous one.
    if (i == 0 || block[i - 1] != '\r') return {HeaderBlockStatus::malformed, 0, 0};
    if (i + 1 < block.size() && (block[i + 1] == ' ' || block[i + 1] == '\t')) {
      return {HeaderBlockStatus::malformed, 0, 0};
    }
    ++line_feeds;
  }
  // Each LF has its CR: any further CR is a bare one.
  std::size_t carriage_returns = 0;
  for (std::size_t i = block.find('\r'); i != std::string_view::npos; i = block.find('\r', i + 1)) {
    ++carriage_returns;
  }
  if (carriage_returns != line_feeds) return {HeaderBlockStatus::malformed, 0, 0};
  return {HeaderBlockStatus::complete, start, size};
}

HeaderBlockScan scan_checked_header_block(std::string_view data, std::size_t limit) {
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return scan_header_block(data, limit);
  if (end + 4 > limit) return {HeaderBlockStatus::too_large, 0, 0};
  return {HeaderBlockStatus::complete, 0, end + 4};
}

}  // namespace centinela::http
