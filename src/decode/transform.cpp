#include "decode/transform.h"

#include <array>

#include "decode/transforms.h"

namespace centinela::decode {
namespace {

struct NameEntry {
  std::string_view name;
  Transform transform;
};

// Every spelling ModSecurity 3.0.9's parser accepts for these.
constexpr std::array<NameEntry, 21> kNames{{
    {"none", Transform::none},
    {"lowercase", Transform::lowercase},
    {"urlDecode", Transform::url_decode},
    {"urlDecodeUni", Transform::url_decode_uni},
    {"htmlEntityDecode", Transform::html_entity_decode},
    {"jsDecode", Transform::js_decode},
    {"cssDecode", Transform::css_decode},
    {"utf8toUnicode", Transform::utf8_to_unicode},
    {"removeNulls", Transform::remove_nulls},
    {"removeWhitespace", Transform::remove_whitespace},
    {"compressWhitespace", Transform::compress_whitespace},
    {"cmdLine", Transform::cmd_line},
    {"normalisePath", Transform::normalize_path},
    {"normalizePath", Transform::normalize_path},
    {"normalisePathWin", Transform::normalize_path_win},
    {"normalizePathWin", Transform::normalize_path_win},
    {"replaceComments", Transform::replace_comments},
    {"base64Decode", Transform::base64_decode},
    {"hexEncode", Transform::hex_encode},
    {"sha1", Transform::sha1},
    {"length", Transform::length},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

constexpr ByteSet whitespace_triggers(bool nbsp) {
  ByteSet set{' ', '\t', '\n', '\v', '\f', '\r'};
  if (nbsp) {
    set.add(0xa0);
    set.add(0xc2);
  }
  return set;
}

constexpr ByteSet cmd_line_triggers() {
  ByteSet set{'"', '\'', '\\', '^', ' ', ',', ';', '\t', '\r', '\n'};
  set.add_range('A', 'Z');
  return set;
}

constexpr ByteSet everything() {
  ByteSet set;
  set.add_range(0, 255);
  return set;
}

constexpr ByteSet utf8_triggers() {
  ByteSet set{0};  // NUL bytes are dropped
  set.add_range(0x80, 0xff);
  return set;
}

constexpr ByteSet upper_case() {
  ByteSet set;
  set.add_range('A', 'Z');
  return set;
}

// Indexed by Transform. A byte is listed when some input holding it (and no
// other listed byte) can come out different.
constexpr std::array<ByteSet, kTransformCount> kTriggers{{
    ByteSet{},                   // none
    upper_case(),                // lowercase
    ByteSet{'%', '+'},           // urlDecode
    ByteSet{'%', '+'},           // urlDecodeUni
    ByteSet{'&'},                // htmlEntityDecode
    ByteSet{'\\'},               // jsDecode
    ByteSet{'\\', 0},            // cssDecode (its output ends at a NUL)
    utf8_triggers(),             // utf8toUnicode
    ByteSet{0},                  // removeNulls
    whitespace_triggers(true),   // removeWhitespace (NBSP's bytes too)
    whitespace_triggers(false),  // compressWhitespace
    cmd_line_triggers(),         // cmdLine
    ByteSet{'/', '.'},           // normalizePath
    ByteSet{'/', '.', '\\'},     // normalizePathWin
    ByteSet{'/'},                // replaceComments
    everything(),                // base64Decode
    everything(),                // hexEncode
    everything(),                // sha1
    everything(),                // length
}};

}  // namespace

std::optional<Transform> transform_from_name(std::string_view name) {
  for (const NameEntry& entry : kNames) {
    if (equals_ignoring_case(entry.name, name)) return entry.transform;
  }
  return std::nullopt;
}

std::string_view transform_name(Transform t) {
  for (const NameEntry& entry : kNames) {
    if (entry.transform == t) return entry.name;
  }
  return "none";
}

bool apply(Transform t, std::string_view in, std::string& out) {
  switch (t) {
    case Transform::none:
      return false;
    case Transform::lowercase:
      return tfn::lowercase(in, out);
    case Transform::url_decode:
      return tfn::url_decode(in, out);
    case Transform::url_decode_uni:
      return tfn::url_decode_uni(in, out);
    case Transform::html_entity_decode:
      return tfn::html_entity_decode(in, out);
    case Transform::js_decode:
      return tfn::js_decode(in, out);
    case Transform::css_decode:
      return tfn::css_decode(in, out);
    case Transform::utf8_to_unicode:
      return tfn::utf8_to_unicode(in, out);
    case Transform::remove_nulls:
      return tfn::remove_nulls(in, out);
    case Transform::remove_whitespace:
      return tfn::remove_whitespace(in, out);
    case Transform::compress_whitespace:
      return tfn::compress_whitespace(in, out);
    case Transform::cmd_line:
      return tfn::cmd_line(in, out);
    case Transform::normalize_path:
      return tfn::normalize_path(in, out, /*windows=*/false);
    case Transform::normalize_path_win:
      return tfn::normalize_path(in, out, /*windows=*/true);
    case Transform::replace_comments:
      return tfn::replace_comments(in, out);
    case Transform::base64_decode:
      return tfn::base64_decode(in, out);
    case Transform::hex_encode:
      return tfn::hex_encode(in, out);
    case Transform::sha1:
      return tfn::sha1(in, out);
    case Transform::length:
      return tfn::length(in, out);
  }
  return false;
}

const ByteSet& triggers(Transform t) { return kTriggers[static_cast<std::size_t>(t)]; }

std::string_view run_pipeline(std::span<const Transform> steps, std::string_view value,
                              std::string& a, std::string& b) {
  std::string_view current = value;
  std::string* next = &a;
  for (Transform t : steps) {
    if (!changes_every_value(t) && !triggers(t).any_in(current)) continue;
    if (apply(t, current, *next)) {
      current = *next;
      next = next == &a ? &b : &a;  // the other one: `current` must not be written over
    }
  }
  return current;
}

}  // namespace centinela::decode
