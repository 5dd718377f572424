#include "proxy/upstream_response_fields.h"

#include <array>
#include <string_view>

#include "proxy/forward_headers.h"

namespace centinela::proxy {
namespace {

namespace wire = centinela::http;

// The length picks the one or two names to compare: this runs for every
// field of every upstream response.
bool is_hop_by_hop(std::string_view name) {
  const auto is = [name](std::string_view lower) {
    return stage::ResponseFields::same_name(name, lower);
  };
  switch (name.size()) {
    case 2:
      return is("te");
    case 7:
      return is("trailer") || is("upgrade");
    case 10:
      return is("connection") || is("keep-alive");
    case 14:
      return is("content-length");
    case 16:
      return is("proxy-connection");
    case 17:
      return is("transfer-encoding");
    case 18:
      return is("proxy-authenticate");
    default:
      return false;
  }
}

// The field names a head's Connection items list (the parse bounds them
// at kMaxConnectionNames), but those no Connection may remove.
class ConnectionNames {
 public:
  explicit ConnectionNames(const wire::ResponseHead& head) {
    if (!head.connection_names_fields) return;
    for (const wire::FieldLine& line : head.lines) {
      if (!stage::ResponseFields::same_name(line.name, "connection")) continue;
      std::string_view rest = line.value;
      for (;;) {
        const std::size_t comma = rest.find(',');
        add(rest.substr(0, comma));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
  }

  bool lists(std::string_view name) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (stage::ResponseFields::same_name(names_[i], name)) return true;
    }
    return false;
  }

 private:
  void add(std::string_view item) {
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.empty() || stage::ResponseFields::same_name(item, "close") ||
        stage::ResponseFields::same_name(item, "keep-alive") ||
        is_protected_from_connection(item) || count_ == names_.size()) {
      return;
    }
    names_[count_++] = item;
  }

  std::array<std::string_view, wire::kMaxConnectionNames> names_{};
  std::size_t count_ = 0;
};

}  // namespace

void add_end_to_end_fields(const wire::ResponseHead& head, stage::ResponseFields& out) {
  const ConnectionNames connection(head);
  for (const wire::FieldLine& line : head.lines) {
    if (is_hop_by_hop(line.name) || connection.lists(line.name)) continue;
    out.add_view(line.name, line.value);
  }
}

}  // namespace centinela::proxy
