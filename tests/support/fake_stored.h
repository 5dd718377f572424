// A stored response in memory (what a cache entry is to the other stages),
// and a stage that answers every request with it, as the cache does on a
// hit: for driving the response stages over stored responses without the
// cache.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "stage/response_fields.h"
#include "stage/stage.h"

namespace centinela::testing {

class FakeStored final : public stage::StoredResponse {
 public:
  FakeStored(unsigned status, std::vector<std::pair<std::string, std::string>> fields,
             std::string body, bool transformable = true)
      : status_(status),
        fields_(std::move(fields)),
        body_(std::move(body)),
        transformable_(transformable) {}

  unsigned status() const override { return status_; }
  void add_fields(stage::ResponseFields& out) const override {
    for (const auto& [name, value] : fields_) out.add_view(name, value);
  }
  std::string_view body() const override { return body_; }
  bool transformable() const override { return transformable_; }
  const stage::Variant* variant(int id) const override {
    std::lock_guard lock(mutex_);
    return find(id);
  }
  const stage::Variant* publish_variant(std::unique_ptr<stage::Variant> made) const override {
    std::lock_guard lock(mutex_);
    ++publish_calls_;
    if (const stage::Variant* kept = find(made->id)) return kept;
    variants_.push_back(std::move(made));
    return variants_.back().get();
  }

  // How many variants were kept, and how many were offered.
  std::size_t variants() const {
    std::lock_guard lock(mutex_);
    return variants_.size();
  }
  std::size_t publish_calls() const {
    std::lock_guard lock(mutex_);
    return publish_calls_;
  }

 private:
  const stage::Variant* find(int id) const {
    for (const auto& made : variants_) {
      if (made->id == id) return made.get();
    }
    return nullptr;
  }

  unsigned status_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::string body_;
  bool transformable_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<stage::Variant>> variants_;
  mutable std::size_t publish_calls_ = 0;
};

// Delivers `entry` to every request (a 304 when `not_modified`).
class StoredAnswerStage final : public stage::Stage {
 public:
  explicit StoredAnswerStage(std::shared_ptr<const stage::StoredResponse> entry,
                             bool not_modified = false)
      : entry_(std::move(entry)), not_modified_(not_modified) {}
  std::string_view name() const override { return "stored_answer"; }
  stage::RequestVerdict on_request_head(stage::RequestContext&) override {
    return stage::RequestVerdict::deliver(stage::StoredAnswer{entry_, not_modified_});
  }

 private:
  std::shared_ptr<const stage::StoredResponse> entry_;
  bool not_modified_;
};

}  // namespace centinela::testing
