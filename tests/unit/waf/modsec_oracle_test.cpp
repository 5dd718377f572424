// The request view against its oracle, libmodsecurity3 3.0.9 itself: each
// request goes through a modsecurity::Transaction (with the recommended
// modsecurity.conf's JSON and XML processor rules) and through RequestView,
// and every variable CRS reads must come out with the same names and values.
// libmodsecurity keeps collections in hash order, so they are compared as
// sorted lists.
#include <gtest/gtest.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "stage/request_context.h"
#include "waf/request_view.h"

namespace centinela::waf {
namespace {

namespace http = boost::beast::http;
using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;
  std::string target;
  Pairs headers;
  std::string body;
};

constexpr const char* kRules = R"(SecRuleEngine DetectionOnly
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^(?:application(?:/soap\+|/)|text/)xml" "id:200000,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
)";

Pairs sorted(Pairs pairs) {
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

template <typename Set>
Pairs resolve_set(Set& set) {
  std::vector<const modsecurity::VariableValue*> values;
  set.resolve(&values);
  Pairs out;
  for (const modsecurity::VariableValue* value : values) {
    out.emplace_back(value->getKey(), value->getValue());
    delete value;
  }
  return sorted(out);
}

Pairs resolve_one(modsecurity::AnchoredVariable& variable) {
  std::unique_ptr<std::string> value = variable.resolveFirst();
  if (!value || value->empty()) return {};
  return {{"", *value}};
}

// libmodsecurity's variables, by the view's collection names.
std::vector<std::pair<Collection, Pairs>> oracle(const Request& request) {
  static modsecurity::ModSecurity engine;
  static modsecurity::RulesSet* rules = [] {
    auto* set = new modsecurity::RulesSet();
    if (set->load(kRules) < 0) ADD_FAILURE() << set->getParserError();
    return set;
  }();
  modsecurity::Transaction t(&engine, rules, nullptr);
  t.processConnection("192.0.2.7", 40000, "127.0.0.1", 80);
  t.processURI(request.target.c_str(), request.method.c_str(), "1.1");
  // A server hands field values without trailing whitespace (nginx does;
  // so does Beast for the view).
  for (const auto& [name, value] : request.headers) {
    t.addRequestHeader(name, value.substr(0, value.find_last_not_of(" \t") + 1));
  }
  t.processRequestHeaders();
  t.appendRequestBody(reinterpret_cast<const unsigned char*>(request.body.data()),
                      request.body.size());
  t.processRequestBody();
  using C = Collection;
  std::vector<std::pair<Collection, Pairs>> out = {
      {C::args, resolve_set(t.m_variableArgs)},
      {C::args_get, resolve_set(t.m_variableArgsGet)},
      {C::args_post, resolve_set(t.m_variableArgsPost)},
      {C::args_names, resolve_set(t.m_variableArgsNames)},
      {C::request_headers, resolve_set(t.m_variableRequestHeaders)},
      {C::request_headers_names, resolve_set(t.m_variableRequestHeadersNames)},
      {C::request_cookies, resolve_set(t.m_variableRequestCookies)},
      {C::request_cookies_names, resolve_set(t.m_variableRequestCookiesNames)},
      {C::files, resolve_set(t.m_variableFiles)},
      {C::files_names, resolve_set(t.m_variableFilesNames)},
      {C::multipart_part_headers, resolve_set(t.m_variableMultipartPartHeaders)},
      {C::request_uri, resolve_one(t.m_variableRequestURI)},
      {C::request_uri_raw, resolve_one(t.m_variableRequestURIRaw)},
      {C::request_filename, resolve_one(t.m_variableRequestFilename)},
      {C::request_basename, resolve_one(t.m_variableRequestBasename)},
      {C::request_line, resolve_one(t.m_variableRequestLine)},
      {C::request_method, resolve_one(t.m_variableRequestMethod)},
      {C::request_protocol, resolve_one(t.m_variableRequestProtocol)},
      {C::query_string, resolve_one(t.m_variableQueryString)},
      {C::request_body, resolve_one(t.m_variableRequestBody)},
      {C::args_combined_size, resolve_one(t.m_variableARGScombinedSize)},
      {C::reqbody_processor, resolve_one(t.m_variableReqbodyProcessor)},
      {C::reqbody_error, resolve_one(t.m_variableReqbodyError)},
      {C::urlencoded_error, resolve_one(t.m_variableUrlEncodedError)},
      {C::remote_addr, resolve_one(t.m_variableRemoteAddr)},
  };
  return out;
}

Pairs view_pairs(const RequestView& view, Collection collection) {
  Pairs out;
  for (const Variable& variable : view.get(collection)) {
    out.emplace_back(std::string(variable.name), std::string(variable.value));
  }
  // Single values carry no name in the view; libmodsecurity's resolveFirst
  // neither (an empty value counts as unset on both sides).
  if (collection >= Collection::request_uri) {
    for (auto& pair : out) pair.first.clear();
    out.erase(
        std::remove_if(out.begin(), out.end(), [](const auto& p) { return p.second.empty(); }),
        out.end());
  }
  return sorted(out);
}

// `lenient_on_error`: a malformed multipart body's fields are compared only
// as far as libmodsecurity keeps them; it drops them all, the view keeps the
// ones it read (an attack in a broken body is still inspected).
void expect_same(const Request& request, bool lenient_on_error = false) {
  http::request_header<http::fields> head;
  head.method_string(request.method);
  head.target(request.target);
  head.version(11);
  for (const auto& [name, value] : request.headers) head.insert(name, value);
  stage::Arena arena;
  stage::RequestContext ctx(head, arena);
  ctx.client_ip = "192.0.2.7";
  RequestView view(arena);
  view.add_head(ctx);
  view.add_body(request.body, true);
  for (const auto& [collection, expected] : oracle(request)) {
    if (lenient_on_error && view.body_error() &&
        (collection == Collection::args || collection == Collection::args_post ||
         collection == Collection::args_names ||
         collection == Collection::multipart_part_headers)) {
      continue;
    }
    EXPECT_EQ(view_pairs(view, collection), expected)
        << name_of(collection) << " of " << request.method << " " << request.target;
  }
}

TEST(ModsecOracle, QueryArgumentsAndCookies) {
  expect_same({"GET",
               "/a/b.php?x=1&y=%27or%201%3D1&&z&a+b=c+d&bad=%zz%4&x=2&",
               {{"Host", "example.com"},
                {"User-Agent", "curl/8"},
                {"Cookie", "a=1; b = 2 ;c=x=y;; =z; d"},
                {"cookie", "e=%41 "}},
               ""});
  expect_same({"GET", "/a?", {{"Host", "h"}}, ""});
  expect_same({"GET", "/", {{"Host", "h"}, {"Cookie", "a=1 ; "}}, ""});
}

TEST(ModsecOracle, UriDecodingAndBasename) {
  expect_same({"GET", "/p%2Fq%3Fr/s%20t.txt?x=%2541#frag", {{"Host", "h"}}, ""});
  expect_same({"GET", "/dir/", {{"Host", "h"}}, ""});
  expect_same({"GET", "http://example.com/x/y.js?q=1", {{"Host", "h"}}, ""});
  expect_same({"OPTIONS", "*", {{"Host", "h"}}, ""});
  expect_same({"GET", "/a\\b%5cc%", {{"Host", "h"}}, ""});
}

TEST(ModsecOracle, UrlencodedBody) {
  expect_same(
      {"POST",
       "/form?q=1",
       {{"Host", "h"}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
       "a=1&b=%3Cscript%3E&c&&d=%G1+x"});
}

TEST(ModsecOracle, JsonBodies) {
  const Pairs json = {{"Host", "h"}, {"Content-Type", "application/json"}};
  expect_same(
      {"POST", "/j", json,
       R"({"a":{"b":1,"c":[1,"x",{"d":null}],"":true},"e":[[1,2],[]],"f":"\u00e9\ud83d\ude00",)"
       R"("g":-1.5e3,"h":false,"i":{},"j":[{"k":[{"l":"m"}]}],"n":"a\"b\\c\/\n"})"});
  expect_same({"POST", "/j", json, R"([1,{"a":2},[3,[4]],"x"])"});
  expect_same({"POST", "/j", json, R"("top")"});
  expect_same({"POST", "/j", json, R"({"a":1,})"});
  expect_same({"POST", "/j", json, R"({"a":"\ud800xyz"})"});
  expect_same({"POST", "/j", json, ""});
  expect_same({"POST", "/j", json, "  "});
  expect_same({"POST", "/j", json, R"({"a":[1,2)"});
  expect_same({"POST", "/j", json, "{\"a\":\"\xff\"}"});
  expect_same({"POST",
               "/j",
               {{"Host", "h"}, {"Content-Type", "Application/JSON; charset=utf-8"}},
               R"({"q":"1' or '1'='1"})"});
}

TEST(ModsecOracle, MultipartBodies) {
  const Pairs multipart = {{"Host", "h"}, {"Content-Type", "multipart/form-data; boundary=XyZ"}};
  expect_same({"POST", "/up", multipart,
               "preamble\r\n--XyZ\r\n"
               "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
               "Hello <b>world</b>\r\n"
               "--XyZ\r\n"
               "Content-Disposition: form-data; name=\"file\"; filename=\"a.php\"\r\n"
               "Content-Type: application/x-php\r\n\r\n"
               "<?php echo 1; ?>\r\n"
               "--XyZ\r\n"
               "Content-Disposition: form-data;\r\n name=\"folded\"\r\n\r\n"
               "v\r\n"
               "--XyZ--\r\n"});
  expect_same({"POST", "/up", multipart,
               "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end\r\n"},
              true);
  expect_same({"POST", "/up", multipart,
               "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; x=y\r\n\r\nv\r\n--XyZ--\r\n"});
  expect_same({"POST", "/up", multipart, "--XyZ\r\nNoColon\r\n\r\nv\r\n--XyZ--\r\n"});
  expect_same({"POST", "/up", {{"Host", "h"}, {"Content-Type", "multipart/form-data"}}, "x"});
  expect_same({"POST",
               "/up",
               {{"Host", "h"}, {"Content-Type", "multipart/form-data; boundary=\"q\""}},
               "--q\nContent-Disposition: form-data; name=a\n\nlf only\n--q--\n"});
}

TEST(ModsecOracle, OtherBodies) {
  expect_same({"POST", "/x", {{"Host", "h"}, {"Content-Type", "text/plain"}}, "raw <script>"});
  expect_same({"PUT", "/x", {{"Host", "h"}}, "no content type"});
  expect_same(
      {"POST", "/x", {{"Host", "h"}, {"Content-Type", "application/xml"}}, "<a><b>t&lt;1</b></a>"});
}

}  // namespace
}  // namespace centinela::waf
