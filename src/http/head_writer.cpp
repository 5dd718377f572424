#include "http/head_writer.h"

#include <charconv>

#include "http/chars.h"

namespace centinela::http {
namespace {

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

bool same_name(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

}  // namespace

void append_request_line(std::string& out, std::string_view method, std::string_view target) {
  out.append(method);
  out += ' ';
  out.append(target);
  out += " HTTP/1.1\r\n";
}

void append_status_line(std::string& out, unsigned version, unsigned status,
                        std::string_view reason) {
  out += version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  append_number(out, status);
  out += ' ';
  out.append(reason);
  out += "\r\n";
}

void append_framing(std::string& out, BodyFraming framing, std::uint64_t length,
                    bool close_connection, bool http10_keep_alive) {
  switch (framing) {
    case BodyFraming::length:
      out += "Content-Length: ";
      append_number(out, length);
      out += "\r\n";
      break;
    case BodyFraming::chunked:
      out += "Transfer-Encoding: chunked\r\n";
      break;
    case BodyFraming::none:
    case BodyFraming::close:
      break;
  }
  if (close_connection) {
    out += "Connection: close\r\n";
  } else if (http10_keep_alive) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

std::size_t format_chunk_size(std::size_t size, char (&out)[20]) {
  const auto end = std::to_chars(out, out + 16, size, 16).ptr;
  end[0] = '\r';
  end[1] = '\n';
  return static_cast<std::size_t>(end + 2 - out);
}

ClientFraming client_framing(bool sends_body, std::optional<std::uint64_t> length,
                             unsigned version) {
  if (!sends_body) return {BodyFraming::none, length ? BodyFraming::length : BodyFraming::none};
  if (length) return {BodyFraming::length, BodyFraming::length};
  if (version >= 11) return {BodyFraming::chunked, BodyFraming::chunked};
  return {BodyFraming::close, BodyFraming::close};
}

bool is_framing_name(std::string_view name) {
  switch (name.size()) {
    case 10:
      return same_name(name, "connection") || same_name(name, "keep-alive");
    case 14:
      return same_name(name, "content-length");
    case 17:
      return same_name(name, "transfer-encoding");
    default:
      return false;
  }
}

}  // namespace centinela::http
