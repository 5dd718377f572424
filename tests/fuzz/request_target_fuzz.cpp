// A Host value and a request-target as any client may send them: the first
// byte says which. Whatever is accepted is in normal form: it re-validates
// to itself, a normal path has no dot segment, no "//" and no escaped
// unreserved byte, and the parts of a target are views of the input.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "http/authority.h"
#include "http/request_target.h"
#include "http_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela;
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((data[0] & 1) == 0) {
    std::string authority;
    const http::AuthorityResult result = http::normalize_authority(input, authority);
    if (result.ok()) fuzz_http::check_normal_authority(authority, result.host_size);
    return 0;
  }
  http::RequestTarget target;
  if (http::parse_request_target(input, target) != http::TargetError::none) return 0;
  const auto within = [&input](std::string_view part) {
    return part.empty() || (part.data() >= input.data() &&
                            part.data() + part.size() <= input.data() + input.size());
  };
  fuzz_check(within(target.path) && within(target.query) && within(target.authority),
             "a target part is not a view of the target");
  fuzz_check(target.has_query || target.query.empty(), "a query without '?'");
  fuzz_check(target.path.find('?') == std::string_view::npos, "a path with '?'");
  if (target.form == http::TargetForm::asterisk) {
    fuzz_check(input == "*", "asterisk-form that is not '*'");
    return 0;
  }
  std::string path;
  const http::PathResult result = http::normalize_path(target.path, path);
  if (result.ok()) fuzz_http::check_normal_path(path);
  return 0;
}
