#include "config/documents.h"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/secret_file.h"
#include "config/variables.h"
#include "config/yaml_document.h"

namespace centinela::config {
namespace {

namespace fs = std::filesystem;

bool is_yaml_name(const fs::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".yaml" || extension == ".yml";
}

bool has_glob_chars(const std::string& text) {
  return text.find_first_of("*?[") != std::string::npos;
}

// The files an `include:` entry names, in the order they are read.
std::vector<fs::path> files_named(const fs::path& pattern, std::string& problem) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (has_glob_chars(pattern.string())) {
    glob_t found{};
    const int status = ::glob(pattern.c_str(), 0, nullptr, &found);  // sorted by name
    if (status != 0 && status != GLOB_NOMATCH) problem = "cannot list '" + pattern.string() + "'";
    for (std::size_t i = 0; status == 0 && i < found.gl_pathc; ++i) {
      if (fs::is_regular_file(found.gl_pathv[i], ec)) files.emplace_back(found.gl_pathv[i]);
    }
    ::globfree(&found);
  } else if (fs::is_directory(pattern, ec)) {
    for (const auto& entry : fs::directory_iterator(pattern, ec)) {
      if (entry.is_regular_file(ec) && is_yaml_name(entry.path())) files.push_back(entry.path());
    }
    if (ec) problem = "cannot list '" + pattern.string() + "': " + ec.message();
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(pattern);
  }
  return files;
}

std::string place(const ErrorList& errors, const YAML::Node& node) {
  return errors.file() + ":" + std::to_string(node.Mark().line + 1);
}

class DocumentReader {
 public:
  DocumentReader(std::vector<Document>& documents, const Environment& environment)
      : documents_(documents), environment_(environment) {}

  void read(const std::string& text, const std::string& path) {
    const std::size_t index = documents_.size();
    documents_.emplace_back(path);
    YAML::Node root = parse_document(text, documents_[index].errors);
    expand_variables_in(documents_[index].errors, root, environment_);
    documents_[index].root = root;
    if (!root.IsMap()) return;
    const YAML::Node includes = static_cast<const YAML::Node&>(root)["include"];
    if (!includes || includes.IsNull()) return;
    // Valid until the files below are read: each adds a document.
    ErrorList& errors = documents_[index].errors;
    auto entries = read_string_list(errors, includes, "include");
    if (!entries) return;
    std::vector<std::pair<fs::path, YAML::Node>> files;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const YAML::Node at = list_item(includes, i);
      if ((*entries)[i].empty()) {
        errors.add(at, "include: expected a file, glob or directory, got an empty string");
        continue;
      }
      std::string problem;
      const fs::path pattern = resolve_beside(errors.file(), (*entries)[i]);
      for (const fs::path& file : files_named(pattern, problem)) files.emplace_back(file, at);
      if (!problem.empty()) errors.add(at, "include: " + problem);
    }
    chain_.push_back(canonical(path));
    for (const auto& [file, at] : files) include(file, at, index);
    chain_.pop_back();
  }

 private:
  static std::string canonical(const fs::path& path) {
    std::error_code ec;
    fs::path resolved = fs::weakly_canonical(path, ec);
    return ec ? path.lexically_normal().string() : resolved.string();
  }

  void include(const fs::path& file, const YAML::Node& at, std::size_t from) {
    const std::string name = canonical(file);
    const std::string path = file.lexically_normal().string();
    if (std::find(chain_.begin(), chain_.end(), name) != chain_.end()) {
      add(from, at, "include: '" + path + "' includes itself (an include cycle)");
      return;
    }
    if (chain_.size() > static_cast<std::size_t>(kMaxIncludeDepth)) {
      add(from, at,
          "include: more than " + std::to_string(kMaxIncludeDepth) + " levels of included files");
      return;
    }
    if (auto seen = included_.find(name); seen != included_.end()) {
      add(from, at, "include: '" + path + "' is included twice (also at " + seen->second + ")");
      return;
    }
    included_.emplace(name, place(documents_[from].errors, at));
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      add(from, at, "include: cannot open '" + path + "': " + std::strerror(errno));
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    read(text.str(), path);
  }

  void add(std::size_t document, const YAML::Node& at, std::string message) {
    documents_[document].errors.add(at, std::move(message));
  }

  std::vector<Document>& documents_;
  const Environment& environment_;
  std::vector<std::string> chain_;               // the files being read, main first
  std::map<std::string, std::string> included_;  // file → where it was included
};

}  // namespace

std::vector<Document> read_documents(const std::string& text, const std::string& file,
                                     const Environment& environment) {
  std::vector<Document> documents;
  DocumentReader(documents, environment).read(text, file);
  return documents;
}

}  // namespace centinela::config
