#include "modsec_oracle.h"

#include <stdexcept>

// The classes as far as the oracle needs them: Transformation::instantiate
// builds the object ModSecurity's unit tests build, and each class's
// evaluate() is called by its exported (non-virtual) symbol.
namespace modsecurity {
class Transaction;
namespace actions::transformations {
struct Transformation {
  static Transformation* instantiate(std::string name);
};
#define CENTINELA_MODSEC_TRANSFORMATION(Class)                                \
  struct Class {                                                              \
    std::string evaluate(const std::string& value, Transaction* transaction); \
  };
CENTINELA_MODSEC_TRANSFORMATION(LowerCase)
CENTINELA_MODSEC_TRANSFORMATION(UrlDecode)
CENTINELA_MODSEC_TRANSFORMATION(UrlDecodeUni)
CENTINELA_MODSEC_TRANSFORMATION(HtmlEntityDecode)
CENTINELA_MODSEC_TRANSFORMATION(JsDecode)
CENTINELA_MODSEC_TRANSFORMATION(CssDecode)
CENTINELA_MODSEC_TRANSFORMATION(Utf8ToUnicode)
CENTINELA_MODSEC_TRANSFORMATION(RemoveNulls)
CENTINELA_MODSEC_TRANSFORMATION(RemoveWhitespace)
CENTINELA_MODSEC_TRANSFORMATION(CompressWhitespace)
CENTINELA_MODSEC_TRANSFORMATION(CmdLine)
CENTINELA_MODSEC_TRANSFORMATION(NormalisePath)
CENTINELA_MODSEC_TRANSFORMATION(NormalisePathWin)
CENTINELA_MODSEC_TRANSFORMATION(ReplaceComments)
CENTINELA_MODSEC_TRANSFORMATION(Base64Decode)
CENTINELA_MODSEC_TRANSFORMATION(HexEncode)
CENTINELA_MODSEC_TRANSFORMATION(Sha1)
CENTINELA_MODSEC_TRANSFORMATION(Length)
#undef CENTINELA_MODSEC_TRANSFORMATION
}  // namespace actions::transformations
}  // namespace modsecurity

namespace centinela::decode::testing {
namespace {

namespace ms = modsecurity::actions::transformations;

template <typename Class>
std::string run(const char* name, const std::string& input) {
  // One object per transformation, kept for the process.
  static ms::Transformation* object = ms::Transformation::instantiate(name);
  return reinterpret_cast<Class*>(object)->evaluate(input, nullptr);
}

}  // namespace

std::string modsec_transform(Transform t, const std::string& input) {
  switch (t) {
    case Transform::none:
      return input;
    case Transform::lowercase:
      return run<ms::LowerCase>("t:lowercase", input);
    case Transform::url_decode:
      return run<ms::UrlDecode>("t:urlDecode", input);
    case Transform::url_decode_uni:
      return run<ms::UrlDecodeUni>("t:urlDecodeUni", input);
    case Transform::html_entity_decode:
      return run<ms::HtmlEntityDecode>("t:htmlEntityDecode", input);
    case Transform::js_decode:
      return run<ms::JsDecode>("t:jsDecode", input);
    case Transform::css_decode:
      return run<ms::CssDecode>("t:cssDecode", input);
    case Transform::utf8_to_unicode:
      return run<ms::Utf8ToUnicode>("t:utf8toUnicode", input);
    case Transform::remove_nulls:
      return run<ms::RemoveNulls>("t:removeNulls", input);
    case Transform::remove_whitespace:
      return run<ms::RemoveWhitespace>("t:removeWhitespace", input);
    case Transform::compress_whitespace:
      return run<ms::CompressWhitespace>("t:compressWhitespace", input);
    case Transform::cmd_line:
      return run<ms::CmdLine>("t:cmd_line", input);
    case Transform::normalize_path:
      return run<ms::NormalisePath>("t:normalisePath", input);
    case Transform::normalize_path_win:
      return run<ms::NormalisePathWin>("t:normalisePathWin", input);
    case Transform::replace_comments:
      return run<ms::ReplaceComments>("t:replaceComments", input);
    case Transform::base64_decode:
      return run<ms::Base64Decode>("t:base64Decode", input);
    case Transform::hex_encode:
      return run<ms::HexEncode>("t:hexEncode", input);
    case Transform::sha1:
      return run<ms::Sha1>("t:sha1", input);
    case Transform::length:
      return run<ms::Length>("t:length", input);
  }
  throw std::logic_error("unknown transformation");
}

}  // namespace centinela::decode::testing
