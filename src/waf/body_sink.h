// Where the body parsers put what they find: arguments (ARGS), uploaded files
// (FILES) and multipart part headers. Views handed over are valid only during
// the call; a sink that keeps them copies them.
#pragma once

#include <string_view>

namespace centinela::waf {

// Which of ModSecurity's collections an argument joins besides ARGS.
enum class ArgumentOrigin {
  query,  // ARGS_GET
  form,   // ARGS_POST (urlencoded and multipart bodies)
  json,   // ARGS only, as libmodsecurity adds JSON arguments
};

class BodySink {
 public:
  virtual ~BodySink() = default;
  // False: the bound on arguments is reached; the parser stops.
  virtual bool argument(std::string_view name, std::string_view value, ArgumentOrigin origin) = 0;
  // A multipart part with a filename: FILES (name → filename), FILES_NAMES.
  virtual void file(std::string_view name, std::string_view filename) = 0;
  // One header line of a multipart part, as MULTIPART_PART_HEADERS has it.
  virtual void part_header(std::string_view part_name, std::string_view line) = 0;
};

}  // namespace centinela::waf
