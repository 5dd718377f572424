// A request head as the bytes a client sends: the pre-scan (size limit, line
// endings), the early request-line check, the raw head vet and the vet of
// the parsed request. Every verdict is one of the statuses the gateway
// answers, a line refused early is refused the same way once the head is
// complete, and an accepted request yields a normal path and authority.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "http/header_block.h"
#include "http/request_head.h"
#include "http/request_line.h"
#include "http_invariants.h"

namespace {

using namespace centinela;

unsigned status_of(http::RequestLineError error) {
  switch (error) {
    case http::RequestLineError::none:
      return 0;
    case http::RequestLineError::unsupported_version:
      return 505;
    default:
      return 400;
  }
}

// The parsed request as Beast would give it, read naively from the block.
void vet_parsed(std::string_view block) {
  while (block.starts_with("\r\n")) block.remove_prefix(2);
  const std::size_t line_end = block.find("\r\n");
  http::RequestLine line;
  if (http::parse_request_line(block.substr(0, line_end), line) != http::RequestLineError::none) {
    return;
  }
  http::RequestFacts facts;
  facts.method = line.method;
  facts.method_known = line.method != "BREW";
  facts.version = line.version;
  facts.target = line.target;
  std::string_view rest = block.substr(line_end + 2);
  while (!rest.empty()) {
    const std::size_t end = rest.find("\r\n");
    const std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    if (field.size() > 5 && (field[0] | 0x20) == 'h' && (field[1] | 0x20) == 'o' &&
        (field[2] | 0x20) == 's' && (field[3] | 0x20) == 't' && field[4] == ':') {
      ++facts.host_fields;
      std::string_view value = field.substr(5);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
      }
      facts.host = value;
    }
  }
  std::string path;
  std::string authority;
  const http::VettedRequest vetted = http::vet_request(facts, path, authority);
  if (!vetted.ok()) {
    fuzz_check(vetted.status == 400 || vetted.status == 501, "vet_request status out of range");
    return;
  }
  if (vetted.target.form == http::TargetForm::asterisk) {
    fuzz_check(path == "*" && facts.method == "OPTIONS", "asterisk-form accepted wrongly");
  } else {
    fuzz_http::check_normal_path(path);
  }
  if (vetted.needs_authority) {
    fuzz_check(authority.empty() && facts.version == 10, "authority missing on HTTP/1.1");
  } else {
    fuzz_http::check_normal_authority(authority, vetted.host_size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t kLimit = 16 * 1024;
  const http::HeaderBlockScan scan = http::scan_header_block(input, kLimit);
  const unsigned early = status_of(http::check_first_line(input));
  if (scan.status != http::HeaderBlockStatus::complete) return 0;
  fuzz_check(scan.skip <= scan.size && scan.size <= input.size() && scan.size <= kLimit,
             "scan bounds out of range");
  const std::string_view block = input.substr(scan.skip, scan.size - scan.skip);
  fuzz_check(block.ends_with("\r\n\r\n"), "a complete head that does not end in CRLFCRLF");
  const http::HeadVerdict verdict = http::vet_request_head(block);
  fuzz_check(verdict.status == 0 || verdict.status == 400 || verdict.status == 501 ||
                 verdict.status == 505,
             "vet_request_head status out of range");
  // A line refused before the head was complete is refused alike after.
  if (early != 0) fuzz_check(verdict.status == early, "early and complete verdicts differ");
  if (verdict.ok()) vet_parsed(block);
  return 0;
}
