#include "prometheus_text.h"

#include <cmath>
#include <cstdlib>

namespace itest {

namespace {

// Parses `{a="x",b="y"}` starting at text[pos] == '{'; pos ends after '}'.
bool parse_labels(std::string_view text, std::size_t& pos,
                  std::map<std::string, std::string>& labels) {
  ++pos;
  for (;;) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == ',')) ++pos;
    if (pos < text.size() && text[pos] == '}') return ++pos, true;
    std::size_t equals = text.find('=', pos);
    if (equals == std::string_view::npos || equals + 1 >= text.size() || text[equals + 1] != '"') {
      return false;
    }
    std::string name(text.substr(pos, equals - pos));
    std::string value;
    pos = equals + 2;
    for (;;) {
      if (pos >= text.size()) return false;
      char c = text[pos++];
      if (c == '"') break;
      if (c == '\\' && pos < text.size()) {
        char escaped = text[pos++];
        value.push_back(escaped == 'n' ? '\n' : escaped);
      } else {
        value.push_back(c);
      }
    }
    labels[name] = value;
  }
}

}  // namespace

std::vector<MetricSample> parse_metrics(std::string_view text) {
  std::vector<MetricSample> samples;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    MetricSample sample;
    std::size_t pos = 0;
    while (pos < line.size() && line[pos] != '{' && line[pos] != ' ') ++pos;
    sample.name = std::string(line.substr(0, pos));
    if (pos < line.size() && line[pos] == '{' && !parse_labels(line, pos, sample.labels)) continue;
    while (pos < line.size() && line[pos] == ' ') ++pos;
    std::string value(line.substr(pos, line.find(' ', pos) - pos));
    if (value == "+Inf") {
      sample.value = INFINITY;
    } else {
      char* parsed_end = nullptr;
      sample.value = std::strtod(value.c_str(), &parsed_end);
      if (value.empty() || parsed_end != value.c_str() + value.size()) continue;
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

std::vector<MetricSample> find_samples(const std::vector<MetricSample>& samples,
                                       std::string_view name,
                                       const std::map<std::string, std::string>& labels) {
  std::vector<MetricSample> found;
  for (const MetricSample& sample : samples) {
    if (sample.name != name) continue;
    bool matches = true;
    for (const auto& [key, value] : labels) {
      auto label = sample.labels.find(key);
      matches = matches && label != sample.labels.end() && label->second == value;
    }
    if (matches) found.push_back(sample);
  }
  return found;
}

std::optional<double> metric_value(std::string_view text, std::string_view name,
                                   const std::map<std::string, std::string>& labels) {
  std::vector<MetricSample> found = find_samples(parse_metrics(text), name, labels);
  if (found.empty()) return std::nullopt;
  double sum = 0;
  for (const MetricSample& sample : found) sum += sample.value;
  return sum;
}

}  // namespace itest
