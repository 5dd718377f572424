#include "observe/json_object_writer.h"

#include "observe/json_escape.h"
#include "observe/json_fields.h"

namespace centinela::observe {

JsonObjectWriter::JsonObjectWriter(std::string& out) : out_(out), opened_(true) {
  out_.push_back('{');
}

JsonObjectWriter::JsonObjectWriter(JsonObjectWriter& parent, std::string_view name)
    : out_(parent.out_), parent_(&parent), name_(name) {}

void JsonObjectWriter::open() {
  if (opened_) return;
  parent_->member(name_).push_back('{');
  opened_ = true;
}

std::string& JsonObjectWriter::member(std::string_view name) {
  open();
  if (!empty_) out_.push_back(',');
  empty_ = false;
  out_.push_back('"');
  out_.append(name);
  out_.append("\":");
  return out_;
}

void JsonObjectWriter::text(std::string_view name, std::string_view value) {
  if (value.empty()) return;
  append_json_string(member(name), value);
}

void JsonObjectWriter::number(std::string_view name, std::uint64_t value) {
  append_uint_value(member(name), value);
}

void JsonObjectWriter::ms(std::string_view name, double ms) {
  if (!is_measured_ms(ms)) return;
  append_ms_value(member(name), ms);
}

void JsonObjectWriter::close() {
  if (closed_) return;
  closed_ = true;
  if (opened_) out_.push_back('}');
}

}  // namespace centinela::observe
