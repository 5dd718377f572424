// A JSON object written member by member into a reused buffer, for the log
// formats whose absent values are left out (ecs, otel): a nested object is
// opened only when its first member comes, so an object with nothing to say
// is not written at all. Allocates nothing of its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace centinela::observe {

class JsonObjectWriter {
 public:
  // The top-level object: '{' is written at once.
  explicit JsonObjectWriter(std::string& out);
  // Member `name` of `parent`, written when it gets its first member.
  JsonObjectWriter(JsonObjectWriter& parent, std::string_view name);
  // Closes the object (if it was opened).
  ~JsonObjectWriter() { close(); }
  JsonObjectWriter(const JsonObjectWriter&) = delete;
  JsonObjectWriter& operator=(const JsonObjectWriter&) = delete;

  // Member names are literals of ours: written as they are, not escaped.
  void text(std::string_view name, std::string_view value);  // left out when empty
  void number(std::string_view name, std::uint64_t value);
  void ms(std::string_view name, double ms);  // left out when not measured
  // Writes `"name":` and returns the buffer for the caller to append a value.
  std::string& member(std::string_view name);
  void close();

 private:
  void open();

  std::string& out_;
  JsonObjectWriter* parent_ = nullptr;
  std::string_view name_;
  bool opened_ = false;
  bool closed_ = false;
  bool empty_ = true;
};

}  // namespace centinela::observe
