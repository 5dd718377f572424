#include "config/value_template.h"

#include <gtest/gtest.h>

namespace centinela::config {
namespace {

// The template back as text: variables as {name}.
std::string shape(std::string_view text) {
  std::string problem;
  auto parsed = parse_value_template(text, problem);
  if (!parsed) return "error: " + problem;
  std::string out;
  for (const TemplatePart& part : parsed->parts) {
    switch (part.variable) {
      case TemplateVariable::none:
        out += part.literal;
        break;
      case TemplateVariable::client_ip:
        out += "{client_ip}";
        break;
      case TemplateVariable::request_id:
        out += "{request_id}";
        break;
      case TemplateVariable::user:
        out += "{user}";
        break;
      case TemplateVariable::route:
        out += "{route}";
        break;
      case TemplateVariable::client_cert:
        out += "{client_cert}";
        break;
      case TemplateVariable::client_cert_sha256:
        out += "{client_cert_sha256}";
        break;
    }
  }
  return out;
}

TEST(ValueTemplate, VariablesAndLiteralDollars) {
  EXPECT_EQ(shape("$client_ip via $route"), "{client_ip} via {route}");
  EXPECT_EQ(shape("u=$user;id=$request_id"), "u={user};id={request_id}");
  EXPECT_EQ(shape("subject=$client_cert"), "subject={client_cert}");
  EXPECT_EQ(shape("fp=$client_cert_sha256;s=$client_cert"),
            "fp={client_cert_sha256};s={client_cert}");
  EXPECT_EQ(shape("$user1 via $route"), "{user}1 via {route}")
      << "digits continue a name only into a known one";
  EXPECT_EQ(shape("$$user"), "$user");
  EXPECT_EQ(shape("cost: $5, total$"), "cost: $5, total$");
  EXPECT_EQ(shape("plain"), "plain");
  EXPECT_EQ(shape(""), "");
}

TEST(ValueTemplate, UnknownNamesAreErrors) {
  EXPECT_EQ(shape("$clientip"),
            "error: unknown variable '$clientip' (known: $client_ip, $request_id, $user, $route, "
            "$client_cert, $client_cert_sha256; $$ for a '$')");
  EXPECT_EQ(shape("$client_cert_sha1").substr(0, 42), "error: unknown variable '$client_cert_sha'");
  EXPECT_EQ(shape("$User"), "$User") << "upper case starts no name: a literal";
}

}  // namespace
}  // namespace centinela::config
