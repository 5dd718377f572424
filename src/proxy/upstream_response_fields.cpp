#include "proxy/upstream_response_fields.h"

#include <array>
#include <string_view>

#include "http/field_lines.h"
#include "proxy/forward_headers.h"

namespace centinela::proxy {
namespace {

namespace wire = centinela::http;

bool is_hop_by_hop(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kLeftOut = {
      "connection", "keep-alive",         "proxy-connection", "te", "trailer", "transfer-encoding",
      "upgrade",    "proxy-authenticate", "content-length",
  };
  for (std::string_view left_out : kLeftOut) {
    if (stage::ResponseFields::same_name(name, left_out)) return true;
  }
  return false;
}

// The values of a head's Connection lines: a few, kept here; more (a
// hostile origin's) are read again from the head for every field.
class ConnectionItems {
 public:
  explicit ConnectionItems(const wire::ResponseHead& head) : head_(head) {
    if (!head.has_connection) return;
    wire::FieldLineReader reader(head.fields);
    wire::FieldLine line;
    while (reader.next(line)) {
      if (!stage::ResponseFields::same_name(line.name, "connection")) continue;
      if (count_ == values_.size()) {
        overflow_ = true;
        return;
      }
      values_[count_++] = line.value;
    }
  }

  // Whether a Connection item names the field `name` as hop-by-hop.
  bool name(std::string_view name) const {
    if (count_ == 0 || is_protected_from_connection(name)) return false;
    if (overflow_) return names_again(name);
    for (std::size_t i = 0; i < count_; ++i) {
      if (wire::list_has_token(values_[i], name)) return true;
    }
    return false;
  }

 private:
  bool names_again(std::string_view name) const {
    wire::FieldLineReader reader(head_.fields);
    wire::FieldLine line;
    while (reader.next(line)) {
      if (stage::ResponseFields::same_name(line.name, "connection") &&
          wire::list_has_token(line.value, name)) {
        return true;
      }
    }
    return false;
  }

  const wire::ResponseHead& head_;
  std::array<std::string_view, 4> values_{};
  std::size_t count_ = 0;
  bool overflow_ = false;
};

}  // namespace

void add_end_to_end_fields(const wire::ResponseHead& head, stage::ResponseFields& out) {
  const ConnectionItems connection(head);
  wire::FieldLineReader reader(head.fields);
  wire::FieldLine line;
  while (reader.next(line)) {
    if (is_hop_by_hop(line.name) || connection.name(line.name)) continue;
    out.add_view(line.name, line.value);
  }
}

}  // namespace centinela::proxy
