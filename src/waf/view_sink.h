// The request view's side of the body parsers (internal to src/waf): what
// they find goes into the view's collections.
#pragma once

#include "waf/request_view.h"

namespace centinela::waf {

// Hands the parsers' findings to the view; multipart fields do not count in
// ARGS_COMBINED_SIZE (libmodsecurity adds them directly).
class RequestView::Sink final : public BodySink {
 public:
  Sink(RequestView& view, bool counts_size) : view_(view), counts_size_(counts_size) {}
  bool argument(std::string_view name, std::string_view value, ArgumentOrigin origin) override {
    if (!view_.add_argument(name, value, origin)) return false;
    if (counts_size_) {
      view_.combined_size_ += name.size() + value.size();
      view_.size_counted_ = true;
    }
    return true;
  }
  void file(std::string_view name, std::string_view filename) override {
    const std::string_view kept = view_.keep(name);
    view_.add(Collection::files, kept, view_.keep(filename));
    view_.add(Collection::files_names, kept, kept);
  }
  void part_header(std::string_view part_name, std::string_view line) override {
    view_.add(Collection::multipart_part_headers, view_.keep(part_name), view_.keep(line));
  }

 private:
  RequestView& view_;
  bool counts_size_;
};

}  // namespace centinela::waf
