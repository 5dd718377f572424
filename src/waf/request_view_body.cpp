// The body's variables: the processor's arguments, files and part headers,
// REQUEST_BODY, and REQBODY_ERROR as libmodsecurity's body phase sets them.
#include <string>

#include "waf/request_view.h"
#include "waf/urlencoded.h"
#include "waf/view_sink.h"
#include "waf/xml_text.h"

namespace centinela::waf {

void RequestView::add_body(std::string_view body, bool complete) {
  body_ = arena_.copy(body);
  body_truncated_ = !complete;
  walk_body(body_, complete);
  add_decoded_views();
  // libmodsecurity leaves REQBODY_ERROR unset for urlencoded bodies.
  if (!body_error_ && processor_ != BodyProcessor::urlencoded) {
    set(Collection::reqbody_error, "0");
  }
  if (!body_.empty()) set(Collection::request_body, body_);
  if (size_counted_) {
    replace(Collection::args_combined_size, combined_size_text());
  }
}

void RequestView::set_body_error(std::string_view message) {
  body_error_ = true;
  set(Collection::reqbody_error, "1");
  set(Collection::reqbody_error_msg, arena_.copy(message));
}

void RequestView::walk_body(std::string_view body, bool complete) {
  switch (processor_) {
    case BodyProcessor::urlencoded: {
      Sink sink(*this, true);
      if (walk_urlencoded(body, ArgumentOrigin::form, sink).invalid_encoding) {
        replace(Collection::urlencoded_error, "1");
      }
      return;
    }
    case BodyProcessor::json: {
      // libmodsecurity reports no error for an empty JSON body.
      if (body.empty()) return;
      Sink sink(*this, true);
      const JsonWalk walk = walk_json(body, complete, limits_.json, sink);
      if (walk.error) set_body_error(std::string("JSON parsing error: ").append(walk.message));
      return;
    }
    case BodyProcessor::multipart: {
      Sink sink(*this, false);
      const MultipartWalk walk =
          walk_multipart(content_type_, body, complete, limits_.multipart, sink);
      if (walk.error) {
        set_body_error(std::string("Multipart parsing error: ").append(walk.message));
      }
      return;
    }
    case BodyProcessor::xml: {
      std::string text;
      const XmlText walk = xml_text(body, complete, text);
      if (walk.error) {
        set_body_error(std::string("XML parsing error: ").append(walk.message));
      } else {
        add(Collection::xml, "/*", arena_.copy(text));
        // The values as written are views into the arena's body copy.
        xml_attribute_values(body, limits_.max_arguments, [this](std::string_view value) {
          add(Collection::xml, "//@*", value);
        });
      }
      return;
    }
    case BodyProcessor::none:
      return;
  }
}

}  // namespace centinela::waf
