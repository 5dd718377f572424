// parse_purge_request (memory_store.h): the body of POST /admin/cache/purge.
// Strict on purpose: a body that could mean two things, or nothing, is
// refused rather than guessed at, since a purge cannot be undone.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "cache/memory_store.h"

namespace centinela::cache {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxBodyBytes = 64 * 1024;
constexpr std::size_t kMaxValueBytes = 8 * 1024;
constexpr std::size_t kMaxTags = 1000;
// {"tags": ["…"]} is two levels deep; anything deeper is refused unparsed.
constexpr std::size_t kMaxDepth = 4;

constexpr std::string_view kExpectedOneOf = "expected one of url, prefix, tags, user, all";

// A non-empty string of at most kMaxValueBytes, or null.
const json::string* bounded_string(const json::value& value) {
  const json::string* text = value.if_string();
  if (!text || text->empty() || text->size() > kMaxValueBytes) return nullptr;
  return text;
}

bool fail(std::string& error, std::string_view message) {
  error.assign(message);
  return false;
}

}  // namespace

bool parse_purge_request(std::string_view json_body, PurgeRequest& out, std::string& error) {
  out = PurgeRequest{};
  if (json_body.size() > kMaxBodyBytes) return fail(error, "purge body is larger than 64 KiB");
  json::parse_options options;
  options.max_depth = kMaxDepth;
  boost::system::error_code parse_error;
  const json::value body =
      json::parse(json::string_view(json_body.data(), json_body.size()), parse_error, {}, options);
  if (parse_error) return fail(error, "purge body is not valid JSON");
  const json::object* object = body.if_object();
  if (!object) return fail(error, "purge body must be a JSON object");
  if (object->size() != 1) return fail(error, kExpectedOneOf);

  const json::key_value_pair& member = *object->begin();
  const std::string_view name(member.key().data(), member.key().size());
  const json::value& value = member.value();

  if (name == "url" || name == "prefix" || name == "user") {
    const json::string* text = bounded_string(value);
    if (!text) {
      error.assign("\"").append(name).append("\" must be a non-empty string of at most 8192 bytes");
      return false;
    }
    out.kind = name == "url"      ? PurgeRequest::Kind::url
               : name == "prefix" ? PurgeRequest::Kind::prefix
                                  : PurgeRequest::Kind::user;
    out.values.emplace_back(text->data(), text->size());
    return true;
  }
  if (name == "tags") {
    constexpr std::string_view kTagsShape =
        "\"tags\" must be a non-empty array of at most 1000 non-empty strings of at most 8192 "
        "bytes";
    const json::array* tags = value.if_array();
    if (!tags || tags->empty() || tags->size() > kMaxTags) return fail(error, kTagsShape);
    out.kind = PurgeRequest::Kind::tags;
    out.values.reserve(tags->size());
    for (const json::value& tag : *tags) {
      const json::string* text = bounded_string(tag);
      if (!text) {
        out = PurgeRequest{};
        return fail(error, kTagsShape);
      }
      out.values.emplace_back(text->data(), text->size());
    }
    return true;
  }
  if (name == "all") {
    if (!value.is_bool() || !value.get_bool()) return fail(error, "\"all\" must be true");
    out.kind = PurgeRequest::Kind::all;
    return true;
  }
  return fail(error, kExpectedOneOf);
}

}  // namespace centinela::cache
