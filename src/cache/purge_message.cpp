// The pub/sub messages that carry a purge to every instance (redis_cache.h).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "cache/redis_cache.h"

namespace centinela::cache {

namespace json = boost::json;

namespace {

// A bound on what a message on the channel may make us parse.
constexpr std::size_t kMaxPurgeMessageBytes = 1 << 20;
constexpr std::size_t kMaxPurgeValues = 10000;

std::string_view kind_name(PurgeRequest::Kind kind) {
  switch (kind) {
    case PurgeRequest::Kind::url:
      return "url";
    case PurgeRequest::Kind::prefix:
      return "prefix";
    case PurgeRequest::Kind::tags:
      return "tags";
    case PurgeRequest::Kind::user:
      return "user";
    case PurgeRequest::Kind::all:
      return "all";
  }
  return "all";
}

}  // namespace

std::string encode_purge_message(const PurgeRequest& request, std::string_view instance_id) {
  json::object purge;
  if (request.kind == PurgeRequest::Kind::all) {
    purge["all"] = true;
  } else if (request.kind != PurgeRequest::Kind::tags && request.values.size() == 1) {
    purge[kind_name(request.kind)] = request.values.front();
  } else {
    json::array values;
    for (const std::string& value : request.values) values.emplace_back(value);
    purge[kind_name(request.kind)] = std::move(values);
  }
  json::object message;
  message["from"] = instance_id;
  message["purge"] = std::move(purge);
  return json::serialize(message);
}

bool decode_purge_message(std::string_view message, PurgeRequest& out, std::string& instance_id,
                          std::string& error) {
  if (message.size() > kMaxPurgeMessageBytes) {
    error = "purge message too large";
    return false;
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(json::string_view(message.data(), message.size()), ec);
  const json::object* root = ec ? nullptr : parsed.if_object();
  if (root == nullptr) {
    error = "purge message is not a JSON object";
    return false;
  }
  const json::value* from = root->if_contains("from");
  const json::value* purge_value = root->if_contains("purge");
  if (from == nullptr || !from->is_string()) {
    error = "purge message without \"from\"";
    return false;
  }
  const json::object* purge = purge_value == nullptr ? nullptr : purge_value->if_object();
  if (purge == nullptr || purge->size() != 1) {
    error = "purge message needs a \"purge\" object with one member";
    return false;
  }
  const auto& [name, value] = *purge->begin();
  PurgeRequest request;
  if (name == "all") {
    if (!value.is_bool() || !value.get_bool()) {
      error = "\"all\" must be true";
      return false;
    }
    request.kind = PurgeRequest::Kind::all;
  } else {
    if (name == "url") {
      request.kind = PurgeRequest::Kind::url;
    } else if (name == "prefix") {
      request.kind = PurgeRequest::Kind::prefix;
    } else if (name == "tags") {
      request.kind = PurgeRequest::Kind::tags;
    } else if (name == "user") {
      request.kind = PurgeRequest::Kind::user;
    } else {
      error = "unknown purge kind";
      return false;
    }
    auto add = [&request](const json::value& item) {
      const json::string* text = item.if_string();
      if (text == nullptr || text->empty()) return false;
      request.values.emplace_back(text->data(), text->size());
      return true;
    };
    if (const json::array* many = value.if_array()) {
      if (many->empty() || many->size() > kMaxPurgeValues) {
        error = "purge values: between 1 and 10000 strings";
        return false;
      }
      for (const json::value& item : *many) {
        if (!add(item)) {
          error = "purge values must be non-empty strings";
          return false;
        }
      }
    } else if (!add(value)) {
      error = "purge value must be a non-empty string";
      return false;
    }
  }
  const json::string& sender = from->get_string();
  instance_id.assign(sender.data(), sender.size());
  out = std::move(request);
  error.clear();
  return true;
}

}  // namespace centinela::cache
