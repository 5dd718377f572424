#include "config/yaml_document.h"

#include <sstream>
#include <vector>

namespace centinela::config {
namespace {

// yaml-cpp's messages for tab indentation ("illegal map value") do not say
// what is wrong; tabs are the usual cause, so name them.
std::string syntax_message(const std::string& text, const YAML::Exception& error) {
  std::string message = "YAML syntax error: " + error.msg;
  if (error.mark.is_null()) return message;
  std::istringstream lines(text);
  std::string line;
  for (int number = 0; number <= error.mark.line; ++number) {
    if (!std::getline(lines, line)) return message;
  }
  std::string indent = line.substr(0, line.find_first_not_of(" \t"));
  if (indent.find('\t') != std::string::npos) {
    message += " (indent with spaces: YAML does not allow tabs)";
  }
  return message;
}

bool is_document_start(const std::string& line) {
  return line.starts_with("---") &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// Where the second document begins: the `---` line before its content (or
// the last `---` line when it has none), 0-based; -1 when not found.
int second_document_line(const std::string& text, const YAML::Node& second) {
  std::istringstream lines(text);
  std::string line;
  int last_start = -1;
  const int content_line = second.Mark().is_null() ? -1 : second.Mark().line;
  for (int number = 0; std::getline(lines, line); ++number) {
    if (content_line >= 0 && number > content_line) break;
    if (is_document_start(line)) last_start = number;
  }
  return last_start >= 0 ? last_start : content_line;
}

}  // namespace

YAML::Node parse_document(const std::string& text, ErrorList& errors) {
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.empty()) return YAML::Node();
    if (documents.size() > 1) {
      YAML::Mark at = YAML::Mark::null_mark();
      at.line = second_document_line(text, documents[1]);
      at.column = 0;
      if (at.line < 0) at = YAML::Mark::null_mark();
      errors.add(at,
                 "a second YAML document starts here; a config file holds one document (remove "
                 "the `---`, or move the rest to a file named under `include:`)");
      return YAML::Node();
    }
    return documents.front();
  } catch (const YAML::Exception& error) {
    errors.add(error.mark, syntax_message(text, error));
  }
  return YAML::Node();
}

}  // namespace centinela::config
