// A response a stage keeps and serves again (a cache entry), as the other
// stages see it: its status, fields and body, and the representations made
// from it (compressed bodies), each made once and shared by every later use.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace centinela::stage {

class ResponseFields;

// A representation made from a stored body by a response stage.
struct Variant {
  int id = 0;  // the maker's name for it (compression: the coding)
  std::string body;
  std::string etag;  // the ETag that goes with it, empty when none
};

class StoredResponse {
 public:
  virtual ~StoredResponse() = default;
  virtual unsigned status() const = 0;
  // Adds its end-to-end fields to `out`, as views of itself.
  virtual void add_fields(ResponseFields& out) const = 0;
  virtual std::string_view body() const = 0;
  // Whether response stages may transform it (no Cache-Control: no-transform,
  // not already content-coded).
  virtual bool transformable() const = 0;
  // The variant `id` made earlier, or null.
  virtual const Variant* variant(int id) const = 0;
  // Keeps `made` unless another thread published one first; returns the one
  // kept. Thread-safe.
  virtual const Variant* publish_variant(std::unique_ptr<Variant> made) const = 0;
};

// What a stage answers with when it serves a stored response.
struct StoredAnswer {
  std::shared_ptr<const StoredResponse> response;
  bool not_modified = false;  // the client's conditional matched: 304, no body
};

}  // namespace centinela::stage
