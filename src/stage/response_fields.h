// A response head's fields as the stages see and edit them, whoever made the
// response (the upstream, the gateway, a stored entry). Fields are views: into
// the parsed upstream head, a stored entry, a local response, or text the
// stages made (copied into the request's arena). Nothing here allocates for
// the usual handful of fields; names compare case-insensitively.
#pragma once

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>

#include "http/ascii_words.h"
#include "stage/arena.h"

namespace centinela::stage {

struct Field {
  std::string_view name;
  std::string_view value;
};

class ResponseFields {
 public:
  explicit ResponseFields(Arena& arena) : arena_(&arena) {}

  // The value of the first field named `name`, empty when there is none.
  std::string_view find(std::string_view name) const;
  bool contains(std::string_view name) const;
  // Every value of `name` joined with ", " (a view of the only one when there
  // is one; the join is made in the arena).
  std::string_view joined(std::string_view name) const;
  // Calls f(value) for every field named `name`, in order.
  template <typename F>
  void for_each(std::string_view name, F&& f) const {
    for (const Field& field : fields_) {
      if (same_name(field.name, name)) f(field.value);
    }
  }

  // Edits. Values (and names) are copied into the arena, so callers may pass
  // temporaries.
  void add(std::string_view name, std::string_view value);
  void set(std::string_view name, std::string_view value);  // replaces every `name`
  void erase(std::string_view name);
  // Removes every field for which pred(field) holds, in one pass.
  template <typename Pred>
  void erase_if(Pred&& pred) {
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(), pred), fields_.end());
  }
  // For views that outlive the response (a parsed head, a stored entry,
  // constants): added without copying.
  void add_view(std::string_view name, std::string_view value) {
    fields_.push_back(Field{name, value});
  }
  // Many at once (one growth check): the chain's fixed fields, on every
  // response.
  void add_views(std::span<const Field> fields) {
    fields_.insert(fields_.end(), fields.begin(), fields.end());
  }
  void set_view(std::string_view name, std::string_view value) {
    erase(name);
    add_view(name, value);
  }
  // `parts` concatenated in the arena (valid for the request).
  std::string_view concat(std::initializer_list<std::string_view> parts) const;
  // Adds every "Name: value\r\n" line of `lines` as views.
  void add_lines(std::string_view lines);
  void clear() { fields_.clear(); }

  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

  // Inline: most calls compare names of different lengths, and a call
  // would cost more than the answer.
  static bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && http::equal_ignoring_ascii_case(a.data(), b.data(), a.size());
  }

 private:
  static constexpr std::size_t kInlineFields = 24;
  boost::container::small_vector<Field, kInlineFields> fields_;
  Arena* arena_;
};

// True when the comma-separated list `value` (RFC 9110 §5.6.1) names `token`
// (case-insensitive) or "*".
bool list_contains(std::string_view value, std::string_view token);
// True when any `name` field's list names `token` or "*".
bool fields_list_contains(const ResponseFields& fields, std::string_view name,
                          std::string_view token);
// Adds `token` to Vary, keeping what is listed already (on any number of Vary
// lines); nothing when it, or "*", is there.
void add_vary(ResponseFields& fields, std::string_view token);

}  // namespace centinela::stage
