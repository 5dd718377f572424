// Reads samples out of a Prometheus text exposition (what /metrics serves).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace itest {

struct MetricSample {
  std::string name;  // with suffix: foo_bucket, foo_sum, foo_count
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Every sample line; comments and malformed lines are skipped.
std::vector<MetricSample> parse_metrics(std::string_view text);

// Samples named `name` whose labels include every pair of `labels`.
std::vector<MetricSample> find_samples(const std::vector<MetricSample>& samples,
                                       std::string_view name,
                                       const std::map<std::string, std::string>& labels = {});

// Sum of the values find_samples() returns; nullopt when there are none.
std::optional<double> metric_value(std::string_view text, std::string_view name,
                                   const std::map<std::string, std::string>& labels = {});

}  // namespace itest
