// The values a target names, from the request view, TX and the matched
// variables.
#include <optional>
#include <span>

#include "pattern/confirmer.h"
#include "waf/evaluation.h"
#include "waf/text.h"

namespace centinela::waf {

bool Evaluation::selected(const Target& target, std::string_view name) const {
  if (target.selector_word) {
    // The regex is MULTILINE: `^` holds after a line feed too.
    const std::string_view word = target.selector_word->word;
    const bool anchored = target.selector_word->anchored;
    for (std::size_t at = 0; at + word.size() <= name.size(); ++at) {
      if (anchored && at > 0 && name[at - 1] != '\n') continue;
      if (iequals(word, name.substr(at, word.size()))) return true;
    }
    return false;
  }
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

void Evaluation::collect_fields(const Target& target, Var var, Collection from,
                                std::vector<Value>& out) {
  // The *_NAMES collections hold each name as both name and value.
  const std::span<const Variable> values = view_.get(from);
  if (!target.selector_regex) {
    // A literal selector (REQUEST_HEADERS:Host) or none, without a call per
    // value: most rules name one header among many.
    const std::string_view selector = target.selector;
    for (const Variable& v : values) {
      if (!selector.empty() && (v.name.size() != selector.size() || !iequals(selector, v.name))) {
        continue;
      }
      out.push_back({var, v.name, v.value, true, v.decoded});
    }
    return;
  }
  for (const Variable& v : values) {
    if (!selected(target, v.name)) continue;
    out.push_back({var, v.name, v.value, true, v.decoded});
  }
}

namespace {

// The view's collection behind a keyed variable; nullopt for the others.
std::optional<Collection> keyed_collection(Var var) {
  switch (var) {
    case Var::args:
      return Collection::args;
    case Var::args_names:
      return Collection::args_names;
    case Var::args_get:
      return Collection::args_get;
    case Var::args_get_names:
      return Collection::args_get_names;
    case Var::args_post:
      return Collection::args_post;
    case Var::args_post_names:
      return Collection::args_post_names;
    case Var::request_headers:
      return Collection::request_headers;
    case Var::request_headers_names:
      return Collection::request_headers_names;
    case Var::request_cookies:
      return Collection::request_cookies;
    case Var::request_cookies_names:
      return Collection::request_cookies_names;
    case Var::files:
      return Collection::files;
    case Var::files_names:
      return Collection::files_names;
    case Var::multipart_part_headers:
      return Collection::multipart_part_headers;
    default:
      return std::nullopt;
  }
}

}  // namespace

void Evaluation::collect_collection(const Target& target, std::vector<Value>& out) {
  const Var var = target.var;
  if (const auto from = keyed_collection(var)) {
    collect_fields(target, var, *from, out);
    return;
  }
  switch (var) {
    case Var::xml:
      // Two XPaths are kept: /* (the document's text) and //@* (attribute
      // values); any other path reads the text.
      for (const Variable& v : view_.get(Collection::xml)) {
        const bool attributes = target.selector.find('@') != std::string::npos;
        if (target.selector.empty() || (v.name == "//@*") == attributes) {
          out.push_back({var, v.name, v.value, true});
        }
      }
      break;
    case Var::matched_vars:
    case Var::matched_vars_names:
      for (std::size_t i = 0; i < matched_vars_used_; ++i) {
        const auto& [name, value] = matched_vars_[i];
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
    if (tx_->has(target.tx_slot)) {
      out.push_back({Var::tx, names.name(target.tx_slot), tx_->get(target.tx_slot), false});
    }
    return;
  }
  if (!target.selector.empty()) {
    if (const std::string* v = tx_->find_dynamic(target.selector)) {
      out.push_back({Var::tx, target.selector, *v, false});
    }
    return;
  }
  if (target.tx_selected_known) {
    for (const std::uint32_t s : target.tx_selected) {
      if (s < tx_->slots() && tx_->has(s)) {
        out.push_back({Var::tx, names.name(s), tx_->get(s), false});
      }
    }
  } else {
    for (std::uint32_t s = 0; s < tx_->slots(); ++s) {
      if (tx_->has(s) && selected(target, names.name(s))) {
        out.push_back({Var::tx, names.name(s), tx_->get(s), false});
      }
    }
  }
  for (const auto& [name, value] : tx_->dynamic()) {
    if (selected(target, name)) out.push_back({Var::tx, name, value, false});
  }
}

namespace {

// The view's single-valued collection behind a variable; nullopt for the
// others.
std::optional<Collection> single_collection(Var var) {
  switch (var) {
    case Var::request_filename:
      return Collection::request_filename;
    case Var::request_basename:
      return Collection::request_basename;
    case Var::request_uri:
      return Collection::request_uri;
    case Var::request_uri_raw:
      return Collection::request_uri_raw;
    case Var::request_line:
      return Collection::request_line;
    case Var::request_method:
      return Collection::request_method;
    case Var::request_protocol:
      return Collection::request_protocol;
    case Var::query_string:
      return Collection::query_string;
    case Var::request_body:
      return Collection::request_body;
    case Var::remote_addr:
      return Collection::remote_addr;
    case Var::reqbody_processor:
      return Collection::reqbody_processor;
    case Var::reqbody_error:
      return Collection::reqbody_error;
    case Var::reqbody_error_msg:
      return Collection::reqbody_error_msg;
    case Var::args_combined_size:
      return Collection::args_combined_size;
    default:
      return std::nullopt;
  }
}

// The numeric variables the view does not hold as text; nullopt for the others.
std::optional<std::uint64_t> view_number(const RequestView& view, Var var) {
  switch (var) {
    case Var::request_body_length:
      return view.value(Collection::request_body).size();
    case Var::multipart_strict_error:
      return view.body_processor() == BodyProcessor::multipart && view.body_error();
    case Var::files_combined_size:
    case Var::response_status:
    case Var::duration:
      return 0;  // file contents are not kept; response phases are not run
    default:
      return std::nullopt;
  }
}

}  // namespace

void Evaluation::collect_scalar(const Target& target, std::vector<Value>& out) {
  std::string_view value;
  bool stable = true;
  if (const auto from = single_collection(target.var)) {
    // An unset variable (no query string, no basename of "/", REQBODY_ERROR
    // before the body phase) is left out, as ModSecurity leaves it unset.
    const auto values = view_.get(*from);
    if (values.empty()) {
      // "/dir/" has an empty basename, present as ModSecurity 2 gives it:
      // CRS's tests rely on it (920200's chain on REQUEST_BASENAME).
      if (target.var != Var::request_basename || view_.get(Collection::request_filename).empty()) {
        return;
      }
      out.push_back({target.var, {}, std::string_view{"", 0}, true});
      return;
    }
    // Only bodies no structured processor parsed (urlencoded, or none: 901340
    // forces it) are matched as REQUEST_BODY: JSON, XML and multipart bodies
    // are inspected through ARGS, FILES and XML, as CRS's tests expect.
    if (target.var == Var::request_body && view_.body_processor() != BodyProcessor::urlencoded &&
        view_.body_processor() != BodyProcessor::none) {
      value = std::string_view{"", 0};
    } else {
      value = values.front().value;
    }
  } else if (target.var == Var::unique_id) {
    value = unique_id_;
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
  out.push_back({target.var, {}, value, stable});
}

}  // namespace centinela::waf
