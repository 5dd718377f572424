#include "stage/response_fields.h"

#include <algorithm>
#include <cstring>

namespace centinela::stage {

std::string_view ResponseFields::find(std::string_view name) const {
  for (const Field& field : fields_) {
    if (same_name(field.name, name)) return field.value;
  }
  return {};
}

bool ResponseFields::contains(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(),
                     [name](const Field& field) { return same_name(field.name, name); });
}

std::string_view ResponseFields::joined(std::string_view name) const {
  std::size_t count = 0;
  std::size_t bytes = 0;
  std::string_view only;
  for_each(name, [&](std::string_view value) {
    ++count;
    bytes += value.size();
    only = value;
  });
  if (count <= 1) return only;
  bytes += 2 * (count - 1);
  auto* out = static_cast<char*>(arena_->allocate(bytes, 1));
  std::size_t at = 0;
  for_each(name, [&](std::string_view value) {
    if (at != 0) {
      std::memcpy(out + at, ", ", 2);
      at += 2;
    }
    std::memcpy(out + at, value.data(), value.size());
    at += value.size();
  });
  return {out, bytes};
}

std::string_view ResponseFields::concat(std::initializer_list<std::string_view> parts) const {
  std::size_t bytes = 0;
  for (std::string_view part : parts) bytes += part.size();
  if (bytes == 0) return {};
  auto* out = static_cast<char*>(arena_->allocate(bytes, 1));
  std::size_t at = 0;
  for (std::string_view part : parts) {
    std::memcpy(out + at, part.data(), part.size());
    at += part.size();
  }
  return {out, bytes};
}

void ResponseFields::add(std::string_view name, std::string_view value) {
  fields_.push_back(Field{arena_->copy(name), arena_->copy(value)});
}

void ResponseFields::set(std::string_view name, std::string_view value) {
  erase(name);
  add(name, value);
}

void ResponseFields::erase(std::string_view name) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [name](const Field& field) { return same_name(field.name, name); }),
                fields_.end());
}

void ResponseFields::add_lines(std::string_view lines) {
  while (!lines.empty()) {
    const auto eol = lines.find("\r\n");
    const std::string_view line = lines.substr(0, eol);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      add_view(line.substr(0, colon), value);
    }
    if (eol == std::string_view::npos) break;
    lines.remove_prefix(eol + 2);
  }
}

bool list_contains(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || ResponseFields::same_name(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool fields_list_contains(const ResponseFields& fields, std::string_view name,
                          std::string_view token) {
  bool found = false;
  fields.for_each(name,
                  [&](std::string_view value) { found = found || list_contains(value, token); });
  return found;
}

void add_vary(ResponseFields& fields, std::string_view token) {
  if (fields_list_contains(fields, "Vary", token)) return;
  const std::string_view current = fields.joined("Vary");
  if (current.empty()) {
    fields.add("Vary", token);
    return;
  }
  // One Vary line with the old list and the new token.
  fields.set_view("Vary", fields.concat({current, ", ", token}));
}

}  // namespace centinela::stage
