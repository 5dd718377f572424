#include "waf/request_view.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string>

#include "waf/view_sink.h"

namespace centinela::waf {
namespace {

constexpr std::array<std::string_view, kCollections> kNames = {
    "ARGS",
    "ARGS_GET",
    "ARGS_POST",
    "ARGS_NAMES",
    "ARGS_GET_NAMES",
    "ARGS_POST_NAMES",
    "REQUEST_HEADERS",
    "REQUEST_HEADERS_NAMES",
    "REQUEST_COOKIES",
    "REQUEST_COOKIES_NAMES",
    "FILES",
    "FILES_NAMES",
    "MULTIPART_PART_HEADERS",
    "XML",
    "REQUEST_URI",
    "REQUEST_URI_RAW",
    "REQUEST_FILENAME",
    "REQUEST_BASENAME",
    "REQUEST_LINE",
    "REQUEST_METHOD",
    "REQUEST_PROTOCOL",
    "QUERY_STRING",
    "REQUEST_BODY",
    "ARGS_COMBINED_SIZE",
    "REQBODY_PROCESSOR",
    "REQBODY_ERROR",
    "REQBODY_ERROR_MSG",
    "URLENCODED_ERROR",
    "REMOTE_ADDR",
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::optional<Collection> collection_named(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (equals_ignoring_case(kNames[i], name)) return static_cast<Collection>(i);
  }
  return std::nullopt;
}

std::string_view name_of(Collection collection) {
  return kNames[static_cast<std::size_t>(collection)];
}

BodyProcessor body_processor_for(std::string_view content_type) {
  if (starts_with_ignoring_case(content_type, "multipart/form-data")) {
    return BodyProcessor::multipart;
  }
  if (starts_with_ignoring_case(content_type, "application/x-www-form-urlencoded")) {
    return BodyProcessor::urlencoded;
  }
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  std::string_view trimmed = media;
  while (!trimmed.empty() && is_space(trimmed.back())) trimmed.remove_suffix(1);
  if (starts_with_ignoring_case(content_type, "application/json") ||
      (trimmed.size() > 5 && equals_ignoring_case(trimmed.substr(trimmed.size() - 5), "+json"))) {
    return BodyProcessor::json;
  }
  if (starts_with_ignoring_case(content_type, "application/xml") ||
      starts_with_ignoring_case(content_type, "text/xml") ||
      starts_with_ignoring_case(content_type, "application/soap+xml") ||
      (trimmed.size() > 4 && equals_ignoring_case(trimmed.substr(trimmed.size() - 4), "+xml"))) {
    return BodyProcessor::xml;
  }
  return BodyProcessor::none;
}

std::string_view to_string(BodyProcessor processor) {
  switch (processor) {
    case BodyProcessor::urlencoded:
      return "URLENCODED";
    case BodyProcessor::multipart:
      return "MULTIPART";
    case BodyProcessor::json:
      return "JSON";
    case BodyProcessor::xml:
      return "XML";
    case BodyProcessor::none:
      break;
  }
  return {};
}

RequestView::RequestView(stage::Arena& arena, ViewLimits limits) : arena_(arena), limits_(limits) {}

std::string_view RequestView::value(Collection collection) const {
  const std::span<const Variable> items = get(collection);
  return items.empty() ? std::string_view() : items.front().value;
}

void RequestView::add(Collection collection, std::string_view name, std::string_view value,
                      std::uint16_t decoded) {
  Items& items = collections_[static_cast<std::size_t>(collection)];
  if (items.size == items.capacity) {
    const std::uint32_t capacity = items.capacity == 0 ? 4 : items.capacity * 2;
    auto* grown =
        static_cast<Variable*>(arena_.allocate(sizeof(Variable) * capacity, alignof(Variable)));
    if (items.size > 0) std::memcpy(grown, items.data, sizeof(Variable) * items.size);
    items.data = grown;
    items.capacity = capacity;
  }
  items.data[items.size++] = Variable{name, value, decoded};
}

void RequestView::replace(Collection collection, std::string_view value) {
  Items& items = collections_[static_cast<std::size_t>(collection)];
  if (items.size == 0) {
    set(collection, value);
  } else {
    items.data[0].value = value;
  }
}

std::string_view RequestView::combined_size_text() {
  // libmodsecurity keeps the sum as a double and prints it with std::to_string
  // ("%f"): below 2^53 the double is the integer itself, printed with six
  // zero decimals, which to_chars writes without vsnprintf's cost.
  if (combined_size_ < (std::uint64_t{1} << 53)) {
    constexpr std::string_view kDecimals = ".000000";
    std::array<char, 32> text{};  // 16 digits at most, then the decimals
    const auto [end, ec] =
        std::to_chars(text.data(), text.data() + text.size() - kDecimals.size(), combined_size_);
    if (ec == std::errc{}) {
      char* const last = std::copy(kDecimals.begin(), kDecimals.end(), end);
      return arena_.copy(
          std::string_view(text.data(), static_cast<std::size_t>(last - text.data())));
    }
  }
  return arena_.copy(std::to_string(static_cast<double>(combined_size_)));
}

std::string_view RequestView::keep(std::string_view text) {
  const char* body_end = body_.data() + body_.size();
  if (text.empty() ||
      (!body_.empty() && text.data() >= body_.data() && text.data() + text.size() <= body_end) ||
      (!stable_.empty() && text.data() >= stable_.data() &&
       text.data() + text.size() <= stable_.data() + stable_.size())) {
    return text;
  }
  return arena_.copy(text);
}

bool RequestView::add_argument(std::string_view name, std::string_view value,
                               ArgumentOrigin origin) {
  if (arguments_ >= limits_.max_arguments) {
    arguments_limited_ = true;
    return false;
  }
  ++arguments_;
  const std::string_view kept_name = keep(name);
  const std::string_view kept_value = keep(value);
  add(Collection::args, kept_name, kept_value);
  add(Collection::args_names, kept_name, kept_name);
  if (origin == ArgumentOrigin::query) {
    add(Collection::args_get, kept_name, kept_value);
    add(Collection::args_get_names, kept_name, kept_name);
  } else if (origin == ArgumentOrigin::form) {
    add(Collection::args_post, kept_name, kept_value);
    add(Collection::args_post_names, kept_name, kept_name);
  }
  return true;
}

}  // namespace centinela::waf
