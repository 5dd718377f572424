// The values a target names, from the request view, TX and the matched
// variables.
#include <optional>

#include "pattern/confirmer.h"
#include "waf/evaluation.h"
#include "waf/text.h"

namespace centinela::waf {

bool Evaluation::selected(const Target& target, std::string_view name) const {
  if (target.selector_regex) {
    return target.selector_regex->match(name, scratch_.confirm) == pattern::Confirm::match;
  }
  return target.selector.empty() || iequals(target.selector, name);
}

void Evaluation::collect(const Target& target, std::vector<Value>& out) {
  const std::size_t before = out.size();
  if (target.var == Var::tx) {
    collect_tx(target, out);
  } else if (is_collection(target.var)) {
    collect_collection(target, out);
  } else {
    collect_scalar(target, out);
  }
  if (out.size() - before > limits_.values_per_target) {
    out.resize(before + limits_.values_per_target);
  }
  if (target.count) {
    const std::size_t n = out.size() - before;
    out.resize(before);
    out.push_back({target.var, {}, keep(std::to_string(n)), false});
  }
}

void Evaluation::collect_fields(const Target& target, Var var, const std::vector<Field>& fields,
                                bool names, std::vector<Value>& out) {
  for (const Field& f : fields) {
    if (!selected(target, f.name)) continue;
    out.push_back({var, f.name, names ? f.name : f.value, true});
  }
}

void Evaluation::collect_collection(const Target& target, std::vector<Value>& out) {
  const Var var = target.var;
  switch (var) {
    case Var::args:
    case Var::args_names:
      collect_fields(target, var, view_.args_get, var == Var::args_names, out);
      collect_fields(target, var, view_.args_post, var == Var::args_names, out);
      break;
    case Var::args_get:
    case Var::args_get_names:
      collect_fields(target, var, view_.args_get, var == Var::args_get_names, out);
      break;
    case Var::args_post:
    case Var::args_post_names:
      collect_fields(target, var, view_.args_post, var == Var::args_post_names, out);
      break;
    case Var::request_headers:
    case Var::request_headers_names:
      collect_fields(target, var, view_.headers, var == Var::request_headers_names, out);
      break;
    case Var::request_cookies:
    case Var::request_cookies_names:
      collect_fields(target, var, view_.cookies, var == Var::request_cookies_names, out);
      break;
    case Var::files:
    case Var::files_names:
      collect_fields(target, var, view_.files, var == Var::files_names, out);
      break;
    case Var::multipart_part_headers:
      collect_fields(target, var, view_.part_headers, false, out);
      break;
    case Var::xml:
      // Two XPaths are kept: /* (the document's text) and //@* (attribute
      // values); any other path reads the text.
      for (const Field& f : view_.xml) {
        const bool attributes = target.selector.find('@') != std::string::npos;
        if (target.selector.empty() || (f.name == "//@*") == attributes) {
          out.push_back({var, f.name, f.value, true});
        }
      }
      break;
    case Var::response_headers:
    case Var::response_headers_names:
      collect_fields(target, var, view_.response_headers, var == Var::response_headers_names, out);
      break;
    case Var::matched_vars:
    case Var::matched_vars_names:
      for (const auto& [name, value] : matched_vars_) {
        const std::string_view n = keep(name);
        const std::string_view key =
            n.substr(n.find(':') == std::string_view::npos ? 0 : n.find(':') + 1);
        if (!selected(target, key)) continue;
        out.push_back({var, key, var == Var::matched_vars ? keep(value) : n, false});
      }
      break;
    default:
      break;  // the persistent collections and GEO are not kept
  }
}

void Evaluation::collect_tx(const Target& target, std::vector<Value>& out) {
  const TxNames& names = program_.set->tx;
  if (target.tx_slot != kNoSlot) {
    if (tx_.has(target.tx_slot)) {
      out.push_back({Var::tx, names.name(target.tx_slot), tx_.get(target.tx_slot), false});
    }
    return;
  }
  if (!target.selector.empty()) {
    if (const std::string* v = tx_.find_dynamic(target.selector)) {
      out.push_back({Var::tx, target.selector, *v, false});
    }
    return;
  }
  for (std::uint32_t s = 0; s < tx_.slots(); ++s) {
    if (tx_.has(s) && selected(target, names.name(s))) {
      out.push_back({Var::tx, names.name(s), tx_.get(s), false});
    }
  }
  for (const auto& [name, value] : tx_.dynamic()) {
    if (selected(target, name)) out.push_back({Var::tx, name, value, false});
  }
}

namespace {

// The request view's text variables; nullopt for the others.
std::optional<std::string_view> view_text(const RequestView& view, Var var) {
  switch (var) {
    case Var::request_filename:
      return view.filename;
    case Var::request_basename:
      return view.basename;
    case Var::request_uri:
      return view.uri;
    case Var::request_uri_raw:
      return view.uri_raw;
    case Var::request_line:
      return view.request_line;
    case Var::request_method:
      return view.method;
    case Var::request_protocol:
      return view.protocol;
    case Var::query_string:
      return view.query;
    case Var::request_body:
      // Only for bodies no structured processor parsed (urlencoded, or
      // none: 901340 forces it): JSON, XML and multipart bodies are
      // inspected through ARGS, FILES and XML, as CRS's tests expect.
      if (view.processor != BodyProcessor::urlencoded && view.processor != BodyProcessor::none) {
        return std::string_view{};
      }
      return view.body;
    case Var::remote_addr:
      return view.remote_addr;
    case Var::unique_id:
      return view.unique_id;
    case Var::reqbody_processor:
      return body_processor_name(view.processor);
    case Var::reqbody_error_msg:
      return view.reqbody_error_msg;
    case Var::response_body:
      return view.response_body;
    default:
      return std::nullopt;
  }
}

// The numeric variables; nullopt for the others.
std::optional<std::uint64_t> view_number(const RequestView& view, Var var) {
  switch (var) {
    case Var::request_body_length:
      return view.body.size();
    case Var::reqbody_error:
      return view.reqbody_error;
    case Var::multipart_strict_error:
      return view.multipart_strict_error;
    case Var::files_combined_size:
      return view.files_combined_size;
    case Var::response_status:
      return static_cast<std::uint64_t>(view.response_status);
    case Var::duration:
      return 0;
    case Var::args_combined_size: {
      std::uint64_t n = 0;
      for (const Field& f : view.args_get) n += f.name.size() + f.value.size();
      for (const Field& f : view.args_post) n += f.name.size() + f.value.size();
      return n;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

void Evaluation::collect_scalar(const Target& target, std::vector<Value>& out) {
  std::string_view value;
  bool stable = true;
  if (const auto text = view_text(view_, target.var)) {
    value = *text;
  } else if (const auto n = view_number(view_, target.var)) {
    value = keep(std::to_string(*n));
    stable = false;
  } else if (target.var == Var::matched_var || target.var == Var::matched_var_name) {
    if (matched_var_name_.empty()) return;
    value = keep(target.var == Var::matched_var ? matched_var_ : matched_var_name_);
    stable = false;
  } else {
    return;
  }
  // An absent value (no query string, no basename of "/") is left out, as
  // ModSecurity leaves it unset; a present empty one is kept.
  if (value.data() == nullptr) return;
  out.push_back({target.var, {}, value, stable});
}

}  // namespace centinela::waf
