#include "config/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <optional>
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

// Where the second document begins: the `---` line before its first event
// (or the last `---` line when it has none), 0-based; -1 when not found.
int second_document_line(const std::string& text, const YAML::Mark& second) {
  std::istringstream lines(text);
  std::string line;
  int last_start = -1;
  const int content_line = second.is_null() ? -1 : second.line;
  for (int number = 0; std::getline(lines, line); ++number) {
    if (content_line >= 0 && number > content_line) break;
    if (is_document_start(line)) last_start = number;
  }
  return last_start >= 0 ? last_start : content_line;
}

// Notes where a document's content starts, and nothing else.
class DocumentStart : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { first(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { first(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    first(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    first(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    first(mark);
  }
  void OnMapEnd() override {}

  YAML::Mark start = YAML::Mark::null_mark();
  YAML::Mark content = YAML::Mark::null_mark();

 private:
  void first(const YAML::Mark& mark) {
    if (content.is_null()) content = mark;
  }
};

// Whether `text` holds a second document, and where its content starts.
// (Not YAML::LoadAll: on some malformed input it never stops adding
// documents; here the parser is asked for two at most.)
std::optional<YAML::Mark> second_document(const std::string& text) {
  std::istringstream input(text);
  YAML::Parser parser(input);
  DocumentStart first_document;
  if (!parser.HandleNextDocument(first_document)) return std::nullopt;
  DocumentStart second;
  if (!parser.HandleNextDocument(second)) return std::nullopt;
  return second.content.is_null() ? second.start : second.content;
}

}  // namespace

YAML::Node parse_document(const std::string& text, ErrorList& errors) {
  try {
    YAML::Node root = YAML::Load(text);
    if (std::optional<YAML::Mark> second = second_document(text)) {
      YAML::Mark at = YAML::Mark::null_mark();
      at.line = second_document_line(text, *second);
      at.column = 0;
      if (at.line < 0) at = YAML::Mark::null_mark();
      errors.add(at,
                 "a second YAML document starts here; a config file holds one document (remove "
                 "the `---`, or move the rest to a file named under `include:`)");
      return YAML::Node();
    }
    return root;
  } catch (const YAML::Exception& error) {
    errors.add(error.mark, syntax_message(text, error));
  }
  return YAML::Node();
}

}  // namespace centinela::config
