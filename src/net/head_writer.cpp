#include "net/head_writer.h"

#include <charconv>

#include "proxy/static_header_block.h"

namespace centinela::net {
namespace {

namespace http = proxy::http;

bool is_framing(http::field f) {
  return f == http::field::content_length || f == http::field::transfer_encoding;
}

void append_field(std::string& out, const http::fields::value_type& field) {
  const auto name = field.name_string();
  const auto value = field.value();
  out.append(name.data(), name.size());
  out += ": ";
  out.append(value.data(), value.size());
  out += "\r\n";
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

}  // namespace

void append_request_head(const proxy::RequestHead& head, std::string& out) {
  const auto method = head.method_string();
  const auto target = head.target();
  out.append(method.data(), method.size());
  out += ' ';
  out.append(target.data(), target.size());
  out += " HTTP/1.1\r\n";
  for (const auto& field : head) {
    if (!is_framing(field.name())) append_field(out, field);
  }
}

void append_response_head(const proxy::ResponseHead& head, unsigned version,
                          const proxy::StaticHeaderBlock* block, std::string& out) {
  out += version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  append_number(out, head.result_int());
  out += ' ';
  auto reason = head.reason();
  if (reason.empty()) reason = http::obsolete_reason(head.result());
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& field : head) {
    if (is_framing(field.name())) continue;
    if (block != nullptr && block->drops(field.name(), field.name_string())) continue;
    append_field(out, field);
  }
  if (block != nullptr) out += block->lines();
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

}  // namespace centinela::net
