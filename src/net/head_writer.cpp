#include "net/head_writer.h"

#include "http/field_lines.h"
#include "proxy/static_header_block.h"

namespace centinela::net {
namespace {

namespace http = proxy::http;

bool is_framing(http::field f) {
  return f == http::field::content_length || f == http::field::transfer_encoding;
}

}  // namespace

void append_request_head(const proxy::RequestHead& head, std::string& out) {
  centinela::http::append_request_line(out, head.method_string(), head.target());
  for (const auto& field : head) {
    if (!is_framing(field.name()))
      centinela::http::append_field_line(out, field.name_string(), field.value());
  }
}

void append_response_head(const proxy::ResponseHead& head, unsigned version,
                          const proxy::StaticHeaderBlock* block, std::string& out) {
  auto reason = head.reason();
  if (reason.empty()) reason = http::obsolete_reason(head.result());
  centinela::http::append_status_line(out, version, head.result_int(), reason);
  for (const auto& field : head) {
    if (is_framing(field.name())) continue;
    if (block != nullptr && block->drops(field.name(), field.name_string())) continue;
    centinela::http::append_field_line(out, field.name_string(), field.value());
  }
  if (block != nullptr) out += block->lines();
}

}  // namespace centinela::net
