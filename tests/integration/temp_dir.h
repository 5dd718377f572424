// A private directory under /tmp for one test's files, removed afterwards.
#pragma once

#include <string>
#include <string_view>

namespace itest {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
  // Writes `content` to file(name) atomically (temp file + rename) and returns its path.
  std::string write(std::string_view name, std::string_view content) const;

 private:
  std::string path_;
};

// The whole file, or "" when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace itest
