#include "waf/engine.h"

#include "waf/builtin_rules.h"

namespace centinela::waf {

std::shared_ptr<Engine> Engine::load(std::span<const std::string> rule_files,
                                     const std::filesystem::path* cache_dir) {
  const std::vector<std::string> files =
      rule_files.empty() ? debian_crs_files()
                         : std::vector<std::string>(rule_files.begin(), rule_files.end());
  return std::make_shared<Engine>(compile_rules(parse_with_builtin_rules(files), cache_dir));
}

std::shared_ptr<const Program> Engine::program(const ProgramOptions& options) {
  const std::string key = program_key(options);
  std::lock_guard lock(mutex_);
  auto& slot = programs_[key];
  if (!slot) slot = make_program(rules_, options);
  return slot;
}

std::string program_key(const ProgramOptions& options) {
  std::string key = std::to_string(options.paranoia) + "|" +
                    std::to_string(options.anomaly_threshold) + "|" +
                    (options.inspect_response ? "r" : "-");
  auto list = [&](char tag, const std::vector<std::string>& items) {
    key += tag;
    for (const std::string& item : items) key += item + '\x1f';
  };
  for (const RouteExclusion& e : options.exclusions) {
    key += "|x";
    for (std::uint32_t id : e.rules) key += std::to_string(id) + ",";
    list('t', e.tags);
    list('a', e.args);
    list('h', e.headers);
    list('c', e.cookies);
  }
  for (const auto& [name, value] : options.tx) key += "|" + name + "=" + value;
  key += options.profile == Profile::api ? "|api" : "|crs";
  key += "|n" + std::to_string(options.native);
  const DecodeOptions& d = options.decode;
  key += "|d" + std::to_string(d.max_depth) + (d.base64 ? "b" : "") + (d.hex ? "h" : "") +
         (d.unicode ? "u" : "");
  return key;
}

}  // namespace centinela::waf
