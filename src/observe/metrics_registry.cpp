#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "observe/metrics.h"
#include "observe/process_metrics.h"
#include "observe/prometheus_text.h"

namespace centinela::observe {
namespace {

enum MetricType { kCounter, kGauge, kHistogram };

std::string_view type_name(int type) {
  switch (type) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

// `a="x",b="y"` with labels sorted by name, so any order names one series.
std::string canonical_label_text(const Labels& labels, int type) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  for (const auto& label : labels) sorted.push_back(&label);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string text;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const auto& [name, value] = *sorted[i];
    if (!prometheus::is_valid_label_name(name) || (type == kHistogram && name == "le")) {
      throw std::invalid_argument(fmt::format("invalid metric label name '{}'", name));
    }
    if (i > 0 && name == sorted[i - 1]->first) {
      throw std::invalid_argument(fmt::format("duplicate metric label '{}'", name));
    }
    if (i > 0) text.push_back(',');
    text.append(name).append("=\"");
    prometheus::append_label_value(text, value);
    text.push_back('"');
  }
  return text;
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   std::string_view labels, std::string_view extra_label, auto value) {
  out.append(name).append(suffix);
  if (!labels.empty() || !extra_label.empty()) {
    out.push_back('{');
    out.append(labels);
    if (!labels.empty() && !extra_label.empty()) out.push_back(',');
    out.append(extra_label);
    out.push_back('}');
  }
  out.push_back(' ');
  prometheus::append_value(out, value);
  out.push_back('\n');
}

void append_histogram(std::string& out, std::string_view name, std::string_view labels,
                      const Histogram& histogram) {
  const Histogram::Snapshot snap = histogram.snapshot();
  std::string le;
  for (std::size_t i = 0; i <= snap.upper_bounds.size(); ++i) {
    le.assign("le=\"");
    if (i < snap.upper_bounds.size()) {
      prometheus::append_value(le, snap.upper_bounds[i]);
    } else {
      le.append("+Inf");
    }
    le.push_back('"');
    append_sample(out, name, "_bucket", labels, le, snap.cumulative[i]);
  }
  append_sample(out, name, "_sum", labels, "", snap.sum);
  append_sample(out, name, "_count", labels, "", snap.count);
}

}  // namespace

struct Registry::Family {
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  std::string name;
  std::string help;
  int type = kCounter;
  std::map<std::string, Series> series;  // by canonical label text
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry& Registry::global() {
  static Registry* const registry = new Registry();  // deliberately leaked
  return *registry;
}

Registry::Family& Registry::family_for(std::string_view name, std::string_view help, int type) {
  if (!prometheus::is_valid_metric_name(name)) {
    throw std::invalid_argument(fmt::format("invalid metric name '{}'", name));
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->name = name;
    family->help = help;
    family->type = type;
    it = families_.emplace(std::string(name), std::move(family)).first;
  } else if (it->second->type != type) {
    throw std::invalid_argument(
        fmt::format("metric '{}' already registered as a {}", name, type_name(it->second->type)));
  }
  return *it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& family = family_for(name, help, kCounter);
  auto& series = family.series[canonical_label_text(labels, kCounter)];
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& family = family_for(name, help, kGauge);
  auto& series = family.series[canonical_label_text(labels, kGauge)];
  if (!series.gauge) series.gauge = std::make_unique<Gauge>();
  return *series.gauge;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels,
                               std::span<const double> buckets) {
  std::lock_guard lock(mutex_);
  const std::string label_text = canonical_label_text(labels, kHistogram);
  auto histogram = std::make_unique<Histogram>(buckets);  // validates before registering
  Family& family = family_for(name, help, kHistogram);
  // Every series of a family shares the buckets of its first one, so the
  // family stays aggregatable.
  if (!family.series.empty()) {
    const auto& first = *family.series.begin()->second.histogram;
    histogram = std::make_unique<Histogram>(first.upper_bounds());
  }
  auto& series = family.series[label_text];
  if (!series.histogram) series.histogram = std::move(histogram);
  return *series.histogram;
}

void Registry::add_collector(std::string name, std::function<void(std::string& out)> collect) {
  auto shared = std::make_shared<const std::function<void(std::string&)>>(std::move(collect));
  std::lock_guard lock(mutex_);
  collectors_[std::move(name)] = std::move(shared);
}

void Registry::remove_collector(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = collectors_.find(name); it != collectors_.end()) collectors_.erase(it);
}

std::string Registry::render() const {
  std::vector<std::pair<std::string, std::string>> families =
      render_process_families(read_process_stats());
  std::vector<std::shared_ptr<const std::function<void(std::string&)>>> collectors;
  {
    std::lock_guard lock(mutex_);
    // A family registered under a process_* name replaces the built-in one.
    std::erase_if(families, [&](const auto& f) { return families_.contains(f.first); });
    for (const auto& [name, family] : families_) {
      std::string text;
      prometheus::append_family_header(text, name, family->help, type_name(family->type));
      for (const auto& [labels, series] : family->series) {
        if (series.counter) append_sample(text, name, "", labels, "", series.counter->value());
        if (series.gauge) append_sample(text, name, "", labels, "", series.gauge->value());
        if (series.histogram) append_histogram(text, name, labels, *series.histogram);
      }
      families.emplace_back(name, std::move(text));
    }
    for (const auto& [name, collect] : collectors_) collectors.push_back(collect);
  }
  std::stable_sort(families.begin(), families.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [name, text] : families) out.append(text);
  // Outside the lock: a collector may itself look metrics up.
  for (const auto& collect : collectors) (*collect)(out);
  return out;
}

}  // namespace centinela::observe
