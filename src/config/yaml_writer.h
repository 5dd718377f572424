// Writes config values back as YAML the loader reads again to the same
// Config: block maps and lists of maps, flow lists, values in the file's own
// units (`10s`, `256MiB`), strings quoted and `$` doubled (the loader reads
// `$$` as `$`). What `centinela check -T` prints with.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace centinela::config {

// Formatting of single values, ready to follow "key: ".
std::string yaml_string(std::string_view text);  // "…", $ doubled
std::string yaml_key(std::string_view text);  // "…", as written ($ kept: keys are not expanded)
std::string yaml_duration(Duration value);    // 0s, 250ms, 10s, 5m, 1h, 1d
std::string yaml_size(std::uint64_t bytes);   // 0B, 512B, 64KiB, 256MiB, 1GiB
std::string yaml_bool(bool value);
std::string yaml_number(double value);  // shortest form that reads back the same
std::string yaml_list(const std::vector<std::string>& items);  // ["a", "b"]
std::string yaml_cidr(const CidrRange& range);                 // 10.0.0.0/8, ::1/128
std::string yaml_cidr_list(const std::vector<CidrRange>& ranges);

class YamlWriter {
 public:
  // `key: value` (value already formatted).
  void field(std::string_view key, const std::string& value);
  // `key:` and a nested block; end() closes it.
  void begin(std::string_view key);
  void end();
  // The next field starts an entry of a block list ("- "); end() closes it.
  void begin_item();

  const std::string& text() const { return text_; }

 private:
  void start_line();

  std::string text_;
  int depth_ = 0;
  bool item_pending_ = false;
};

}  // namespace centinela::config
