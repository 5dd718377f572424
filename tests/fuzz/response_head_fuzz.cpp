// An upstream's response head as the bytes an origin sends: the pre-scan
// (size limit, line endings, obs-fold) and the parse. An accepted head has a
// status in range, parts that are views into the block, field lines that
// read again without fault, and facts that give one framing: never chunked
// beside a Content-Length, never a length that is not the one written.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.h"
#include "http/field_lines.h"
#include "http/header_block.h"
#include "http/response_framing.h"
#include "http/response_head.h"

namespace {

using namespace centinela;

bool inside(std::string_view part, std::string_view block) {
  return part.empty() ||
         (part.data() >= block.data() && part.data() + part.size() <= block.data() + block.size());
}

void check_accepted(std::string_view block, const http::ResponseHead& head) {
  fuzz_check(head.status >= 100 && head.status <= 599, "status out of range");
  fuzz_check(head.version == 10 || head.version == 11, "version out of range");
  fuzz_check(inside(head.reason, block) && inside(head.fields, block), "a view outside the block");
  fuzz_check(http::is_field_value(head.reason), "a reason with a control character");
  fuzz_check(!head.chunked || head.has_transfer_encoding, "chunked without Transfer-Encoding");
  fuzz_check(!(head.chunked && head.content_length), "chunked beside a Content-Length");
  // The one-pass reader agrees with FieldLineReader, line by line.
  http::FieldLineReader reader(head.fields);
  http::FieldLine line;
  bool saw_length = false;
  std::size_t index = 0;
  while (reader.next(line)) {
    fuzz_check(index < head.lines.size(), "a line the parse did not keep");
    fuzz_check(head.lines[index].name == line.name && head.lines[index].value == line.value,
               "a line read differently");
    fuzz_check(http::is_field_value(line.value), "a value with a control character");
    ++index;
    if (line.name.size() == 14 && (line.name[0] | 0x20) == 'c' && (line.name[8] | 0x20) == 'l') {
      saw_length = true;
    }
  }
  fuzz_check(!reader.malformed(), "accepted fields that do not read again");
  fuzz_check(index == head.lines.size(), "more lines kept than read");
  fuzz_check(saw_length || !head.content_length, "a length without a Content-Length line");
  for (const bool head_request : {false, true}) {
    const http::ResponseFraming framing = http::response_framing(head.facts(head_request));
    if (framing.framing == http::Framing::length) {
      fuzz_check(head.content_length && framing.length == *head.content_length,
                 "a length framing that is not the written length");
    }
    if (framing.framing == http::Framing::chunked) fuzz_check(head.chunked, "chunked unannounced");
    if (framing.framing == http::Framing::until_close) {
      fuzz_check(!framing.reusable, "a close-delimited body on a reusable connection");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t kLimit = 16 * 1024;
  const http::HeaderBlockScan scan = http::scan_header_block(input, kLimit);
  if (scan.status != http::HeaderBlockStatus::complete || scan.skip != 0) return 0;
  fuzz_check(scan.size >= 4 && scan.size <= input.size(), "scan bounds out of range");
  const std::string_view block = input.substr(0, scan.size - 2);
  http::ResponseHead head;
  http::ResponseHeadError error = http::parse_status_line(block, head);
  if (error == http::ResponseHeadError::none) {
    std::vector<http::FieldLine> room(http::count_field_lines(head));
    error = http::parse_field_lines(head, room);
    if (error == http::ResponseHeadError::none) check_accepted(block, head);
  }
  // The same block parsed twice gives the same verdict (no hidden state).
  http::ResponseHead again;
  fuzz_check(http::parse_response_head(block, again) == error, "a verdict that changes");
  return 0;
}
