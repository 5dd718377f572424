// JSON and XML body processors (body_parsers.h).
#include <string>

#include "waf/body_parsers.h"

namespace centinela::waf {

namespace {

class JsonReader {
 public:
  JsonReader(RequestView& view, const ViewLimits& limits)
      : view_(view), limits_(limits), text_(view.body) {}

  bool run() {
    skip_space();
    if (!value("json", 0)) return false;
    skip_space();
    return pos_ == text_.size();
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool value(const std::string& path, std::size_t depth) {
    if (depth > limits_.max_json_depth || pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') return object(path, depth + 1);
    if (c == '[') return array(path, depth + 1);
    std::string scalar;
    if (c == '"') {
      if (!string(scalar)) return false;
    } else {
      const std::size_t start = pos_;
      while (pos_ < text_.size() &&
             std::string_view(",]} \t\r\n").find(text_[pos_]) == std::string_view::npos) {
        ++pos_;
      }
      if (pos_ == start) return false;
      scalar.assign(text_.substr(start, pos_ - start));
      if (scalar == "null") scalar.clear();
    }
    if (view_.args_post.size() < limits_.max_fields) {
      view_.args_post.push_back({view_.keep(path), view_.keep(std::move(scalar))});
    }
    return true;
  }

  bool object(const std::string& path, std::size_t depth) {
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') return ++pos_, true;
    while (pos_ < text_.size()) {
      std::string key;
      if (text_[pos_] != '"' || !string(key)) return false;
      skip_space();
      if (pos_ >= text_.size() || text_[pos_++] != ':') return false;
      skip_space();
      if (!value(path + "." + key, depth)) return false;
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        skip_space();
        continue;
      }
      return pos_ < text_.size() && text_[pos_++] == '}';
    }
    return false;
  }

  bool array(const std::string& path, std::size_t depth) {
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') return ++pos_, true;
    for (std::size_t index = 0; pos_ < text_.size(); ++index) {
      if (!value(path + ".array_" + std::to_string(index), depth)) return false;
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        skip_space();
        continue;
      }
      return pos_ < text_.size() && text_[pos_++] == ']';
    }
    return false;
  }

  // A JSON string with its escapes decoded (\uXXXX as UTF-8).
  bool string(std::string& out) {
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_++];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return false;
          const unsigned code = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
          pos_ += 4;
          append_utf8(out, code);
          break;
        }
        default:
          out.push_back(e);
      }
    }
    return false;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  RequestView& view_;
  const ViewLimits& limits_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

void append_entity(std::string& out, std::string_view entity) {
  if (entity == "lt") return out.push_back('<');
  if (entity == "gt") return out.push_back('>');
  if (entity == "amp") return out.push_back('&');
  if (entity == "quot") return out.push_back('"');
  if (entity == "apos") return out.push_back('\'');
  out.push_back('&');
  out.append(entity);
  out.push_back(';');
}

// XML://@*: the value of every attribute of a tag (`<a x="1" y='2'>`).
void add_attributes(RequestView& view, std::string_view tag) {
  std::size_t pos = 0;
  while ((pos = tag.find('=', pos)) != std::string_view::npos) {
    std::size_t open = pos + 1;
    while (open < tag.size() && (tag[open] == ' ' || tag[open] == '\t')) ++open;
    if (open >= tag.size() || (tag[open] != '"' && tag[open] != '\'')) {
      ++pos;
      continue;
    }
    const std::size_t close = tag.find(tag[open], open + 1);
    if (close == std::string_view::npos) return;
    view.xml.push_back({"//@*", tag.substr(open + 1, close - open - 1)});
    pos = close + 1;
  }
}

}  // namespace

void parse_json(RequestView& view, const ViewLimits& limits) {
  JsonReader reader(view, limits);
  bool ok = false;
  try {
    ok = reader.run();
  } catch (const std::exception&) {  // a bad \u escape (stoul)
    ok = false;
  }
  if (!ok && !view.body_truncated) {
    view.reqbody_error = 1;
    view.reqbody_error_msg = "JSON parsing error";
  }
}

void parse_xml(RequestView& view) {
  const std::string_view body = view.body;
  std::string text;
  std::size_t pos = 0;
  bool saw_element = false;
  while (pos < body.size()) {
    const char c = body[pos];
    if (c == '<') {
      if (body.substr(pos, 9) == "<![CDATA[") {
        const std::size_t end = body.find("]]>", pos + 9);
        text.append(body.substr(pos + 9, end == std::string_view::npos ? end : end - pos - 9));
        pos = end == std::string_view::npos ? body.size() : end + 3;
        continue;
      }
      const bool comment = body.substr(pos, 4) == "<!--";
      const std::size_t end = body.find(comment ? "-->" : ">", pos);
      if (end == std::string_view::npos) break;
      const bool element = !comment && pos + 1 < body.size() && body[pos + 1] != '?' &&
                           body[pos + 1] != '!' && body[pos + 1] != '/';
      saw_element |= element;
      if (element) add_attributes(view, body.substr(pos, end - pos));
      pos = end + (comment ? 3 : 1);
      continue;
    }
    if (c == '&') {
      const std::size_t semi = body.find(';', pos);
      if (semi != std::string_view::npos && semi - pos < 12) {
        append_entity(text, body.substr(pos + 1, semi - pos - 1));
        pos = semi + 1;
        continue;
      }
    }
    if (saw_element) text.push_back(c);
    ++pos;
  }
  if (!saw_element && !view.body_truncated) {
    view.reqbody_error = 1;
    view.reqbody_error_msg = "XML parsing error";
    return;
  }
  view.xml.push_back({"/*", view.keep(std::move(text))});
}

}  // namespace centinela::waf
