// A private directory of config files for the loader tests, removed afterwards.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace centinela::config::testing {

class ConfigDir {
 public:
  ConfigDir() {
    static std::atomic<int> counter{0};
    dir_ =
        std::filesystem::temp_directory_path() /
        ("centinela-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  ~ConfigDir() { std::filesystem::remove_all(dir_); }
  ConfigDir(const ConfigDir&) = delete;
  ConfigDir& operator=(const ConfigDir&) = delete;

  // Writes `text` to `name` (sub-directories made as needed) with `mode`;
  // returns the full path.
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const std::filesystem::path path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), mode);
    return path.string();
  }
  std::string path(const std::string& name = "") const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace centinela::config::testing
