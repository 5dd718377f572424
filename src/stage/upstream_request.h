// Changes stages make to the request the upstream receives, kept apart from
// the client's request (which stays as the client sent it, for the stages
// after and for the response side: Vary, conditionals, logs). The forwarder
// applies them when it writes the upstream request.
#pragma once

#include <boost/container/small_vector.hpp>
#include <string_view>

#include "stage/arena.h"
#include "stage/response_fields.h"

namespace centinela::stage {

class UpstreamRequest {
 public:
  explicit UpstreamRequest(Arena& arena) : arena_(&arena) {}

  // The field does not reach the upstream (any value, every line).
  void remove(std::string_view name) {
    edits_.push_back(Edit{arena_->copy(name), {}, Kind::remove});
  }
  // The upstream gets exactly this value (replacing the client's lines).
  void set(std::string_view name, std::string_view value) {
    edits_.push_back(Edit{arena_->copy(name), arena_->copy(value), Kind::set});
  }
  // The upstream gets this line besides the client's lines of the name (and
  // besides earlier adds; a later set or remove of the name replaces it).
  void add(std::string_view name, std::string_view value) {
    edits_.push_back(Edit{arena_->copy(name), arena_->copy(value), Kind::add});
  }
  // Overrides of the request line: empty keeps the client's.
  void set_method(std::string_view method) { method_ = arena_->copy(method); }
  void set_target(std::string_view target) { target_ = arena_->copy(target); }
  std::string_view method() const { return method_; }
  std::string_view target() const { return target_; }

  // Whether a client field named so is replaced or removed (the last edit of
  // a name wins).
  bool overrides(std::string_view name) const {
    for (const Edit& edit : edits_) {
      if (edit.kind != Kind::add && ResponseFields::same_name(edit.name, name)) return true;
    }
    return false;
  }
  // Calls f(name, value) for each field set or added, in order; a name set
  // twice, or removed after, counts once (its last state).
  template <typename F>
  void for_each_set(F&& f) const {
    for (std::size_t i = 0; i < edits_.size(); ++i) {
      if (edits_[i].kind == Kind::remove || superseded(i)) continue;
      f(edits_[i].name, edits_[i].value);
    }
  }
  bool empty() const { return edits_.empty() && method_.empty() && target_.empty(); }

 private:
  enum class Kind : unsigned char { remove, set, add };
  struct Edit {
    std::string_view name;
    std::string_view value;
    Kind kind;
  };
  // A later set or remove of the same name replaces an edit; a later add
  // does not.
  bool superseded(std::size_t i) const {
    for (std::size_t j = i + 1; j < edits_.size(); ++j) {
      if (edits_[j].kind != Kind::add &&
          ResponseFields::same_name(edits_[j].name, edits_[i].name)) {
        return true;
      }
    }
    return false;
  }

  Arena* arena_;
  boost::container::small_vector<Edit, 8> edits_;
  std::string_view method_;
  std::string_view target_;
};

}  // namespace centinela::stage
