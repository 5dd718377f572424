#include "compress/negotiation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace centinela::compress {
namespace {

const std::vector<Coding> kServerOrder = {Coding::br, Coding::zstd, Coding::gzip};

Coding pick(std::string_view accept_encoding, const std::vector<Coding>& offered = kServerOrder) {
  return negotiate(accept_encoding, offered);
}

TEST(Coding, TokensBothWays) {
  EXPECT_EQ(coding_token(Coding::gzip), "gzip");
  EXPECT_EQ(coding_token(Coding::br), "br");
  EXPECT_EQ(coding_token(Coding::zstd), "zstd");
  EXPECT_EQ(coding_token(Coding::identity), "identity");
  EXPECT_EQ(coding_from_token("GZip"), Coding::gzip);
  EXPECT_EQ(coding_from_token("x-gzip"), Coding::gzip);
  EXPECT_EQ(coding_from_token("BR"), Coding::br);
  EXPECT_EQ(coding_from_token("Zstd"), Coding::zstd);
  EXPECT_EQ(coding_from_token("identity"), Coding::identity);
  EXPECT_EQ(coding_from_token("deflate"), std::nullopt);
  EXPECT_EQ(coding_from_token(""), std::nullopt);
  EXPECT_EQ(coding_from_token("gzip "), std::nullopt);
}

TEST(Negotiate, AbsentOrEmptyFieldMeansIdentity) {
  EXPECT_EQ(pick(""), Coding::identity);
  EXPECT_EQ(pick("   "), Coding::identity);
  EXPECT_EQ(pick(" , ,"), Coding::identity);
}

TEST(Negotiate, HighestQWins) {
  EXPECT_EQ(pick("gzip;q=0.5, br;q=0.8"), Coding::br);
  EXPECT_EQ(pick("gzip;q=0.9, br;q=0.8"), Coding::gzip);
  EXPECT_EQ(pick("br;q=0.001, zstd;q=0.002"), Coding::zstd);
  EXPECT_EQ(pick("gzip, br;q=0.999"), Coding::gzip);
}

TEST(Negotiate, TiesGoToTheServersOrder) {
  EXPECT_EQ(pick("gzip, deflate, br, zstd"), Coding::br);
  EXPECT_EQ(pick("gzip, zstd"), Coding::zstd);
  EXPECT_EQ(pick("gzip;q=0.5, zstd;q=0.5, br;q=0.4"), Coding::zstd);
  EXPECT_EQ(pick("gzip, br", {Coding::gzip, Coding::br}), Coding::gzip);
}

TEST(Negotiate, OnlyOfferedCodingsAreChosen) {
  EXPECT_EQ(pick("br", {Coding::gzip}), Coding::identity);
  EXPECT_EQ(pick("br, gzip;q=0.1", {Coding::gzip}), Coding::gzip);
  EXPECT_EQ(pick("gzip", {}), Coding::identity);
  EXPECT_EQ(pick("deflate, compress"), Coding::identity);
}

TEST(Negotiate, ZeroQExcludes) {
  EXPECT_EQ(pick("br;q=0, gzip"), Coding::gzip);
  EXPECT_EQ(pick("br;q=0.0, zstd;q=0.000, gzip;q=0.2"), Coding::gzip);
  EXPECT_EQ(pick("gzip;q=0"), Coding::identity);
}

TEST(Negotiate, StarCoversWhatIsNotNamed) {
  EXPECT_EQ(pick("*"), Coding::br);
  EXPECT_EQ(pick("*;q=0.5, gzip"), Coding::gzip);
  EXPECT_EQ(pick("br;q=0, *"), Coding::zstd);
  EXPECT_EQ(pick("*;q=0, gzip;q=0.3"), Coding::gzip);
  EXPECT_EQ(pick("*;q=0"), Coding::identity);
  EXPECT_EQ(pick("gzip;q=0.2, *;q=0.1"), Coding::gzip);
  EXPECT_EQ(pick("gzip;q=0.1, *;q=0.2"), Coding::br);
}

TEST(Negotiate, IdentityExcludedStillAnswersIdentityWhenNothingElseFits) {
  // The caller sends the body as it is rather than 406.
  EXPECT_EQ(pick("identity;q=0"), Coding::identity);
  EXPECT_EQ(pick("identity;q=0, gzip"), Coding::gzip);
  EXPECT_EQ(pick("identity;q=0, deflate"), Coding::identity);
}

TEST(Negotiate, IdentityPreferredAboveEveryCodingWins) {
  EXPECT_EQ(pick("identity, gzip;q=0.5"), Coding::identity);
  EXPECT_EQ(pick("identity;q=0.5, gzip"), Coding::gzip);
  EXPECT_EQ(pick("identity, gzip"), Coding::gzip);  // a tie: compress
}

TEST(Negotiate, CaseAndWhitespaceDoNotMatter) {
  EXPECT_EQ(pick("GZIP;Q=0.5, Br ; q=0.8"), Coding::br);
  EXPECT_EQ(pick("\tgzip\t;\tq=1 ,  zstd;q=0.5"), Coding::gzip);
  EXPECT_EQ(pick("X-GZIP"), Coding::gzip);
  EXPECT_EQ(pick("ZSTD"), Coding::zstd);
}

TEST(AcceptsCoding, ACodingIsAcceptableWhenListedWithAWeight) {
  EXPECT_TRUE(accepts_coding("gzip, deflate, br", "gzip"));
  EXPECT_TRUE(accepts_coding("gzip, deflate, br", "deflate"));  // not one the gateway makes
  EXPECT_TRUE(accepts_coding("GZIP", "x-gzip"));
  EXPECT_TRUE(accepts_coding("x-gzip", "Gzip"));
  EXPECT_TRUE(accepts_coding("br;q=0.1", "br"));
  EXPECT_FALSE(accepts_coding("br", "zstd"));
  EXPECT_FALSE(accepts_coding("br, deflate;q=0", "deflate"));
  EXPECT_FALSE(accepts_coding("gzip;q=0, *", "gzip")) << "its own q=0 wins over *";
  EXPECT_TRUE(accepts_coding("*", "zstd"));
  EXPECT_FALSE(accepts_coding("*;q=0, gzip", "br"));
  EXPECT_FALSE(accepts_coding("br;q=abc", "br")) << "an invalid weight says nothing";
}

TEST(AcceptsCoding, IdentityAlwaysAndEveryCodingOfAList) {
  EXPECT_TRUE(accepts_coding("", "identity"));
  EXPECT_TRUE(accepts_coding("", ""));
  EXPECT_FALSE(accepts_coding("", "gzip")) << "an empty field asks for no coding";
  EXPECT_TRUE(accepts_coding("gzip, br", "gzip, br"));
  EXPECT_FALSE(accepts_coding("gzip", "gzip, br"));
  EXPECT_TRUE(accepts_coding("gzip", " gzip , identity"));
}

TEST(Negotiate, InvalidQValuesAreIgnored) {
  // The member with a bad weight is ignored, not read as q=1 or q=0.
  EXPECT_EQ(pick("br;q=2, gzip"), Coding::gzip);
  EXPECT_EQ(pick("br;q=abc, gzip;q=0.1"), Coding::gzip);
  EXPECT_EQ(pick("br;q=0.5555, gzip;q=0.1"), Coding::gzip);
  EXPECT_EQ(pick("br;q=1.5, gzip;q=0.1"), Coding::gzip);
  EXPECT_EQ(pick("br;q=-1, gzip;q=0.1"), Coding::gzip);
  EXPECT_EQ(pick("br;q=, gzip;q=0.1"), Coding::gzip);
  EXPECT_EQ(pick("br;q=.5"), Coding::identity);
  EXPECT_EQ(pick("br;q=1.000, gzip"), Coding::br);
  EXPECT_EQ(pick("br;level=9, gzip;q=0.5"), Coding::br);  // other parameters are not weights
}

TEST(Negotiate, HostileHeadersAreBounded) {
  // 100 KiB of members: only the first few dozen are looked at.
  std::string junk;
  while (junk.size() < 100 * 1024) junk += "x-unknown-coding;q=0.5, ";
  EXPECT_EQ(pick(junk + "br"), Coding::identity);
  EXPECT_EQ(pick("gzip, " + junk + "br"), Coding::gzip);
  EXPECT_EQ(pick(std::string(100 * 1024, ',') + "gzip"), Coding::identity);
  EXPECT_EQ(pick(std::string(100 * 1024, 'a')), Coding::identity);
  EXPECT_EQ(pick("gzip" + std::string(100 * 1024, ';')), Coding::gzip);
  EXPECT_EQ(pick(std::string("gzip;q=0.5\0br", 13)), Coding::identity);  // not a qvalue
  EXPECT_EQ(pick(std::string("br\0, gzip", 9)), Coding::gzip);           // not a token
}

const std::vector<std::string> kDefaults;

TEST(CompressibleType, DefaultListCoversTextLikeTypes) {
  for (const char* type : {"text/html", "text/plain; charset=utf-8", "TEXT/CSS", "application/json",
                           "application/json;charset=UTF-8", "application/problem+json",
                           "application/ld+json", "application/javascript", "application/xml",
                           "application/atom+xml", "image/svg+xml", " application/json "}) {
    EXPECT_TRUE(is_compressible_type(type, kDefaults)) << type;
  }
  for (const char* type : {"image/png", "image/jpeg", "video/mp4", "application/octet-stream",
                           "application/zip", "application/gzip", "font/woff2", "text/event-stream",
                           "", "json", "text/", "/json", ";charset=utf-8", "application/jsonx"}) {
    EXPECT_FALSE(is_compressible_type(type, kDefaults)) << type;
  }
}

TEST(CompressibleType, AConfiguredListReplacesTheDefault) {
  std::vector<std::string> allowlist = {"text/html", "application/*", "image/*+xml"};
  EXPECT_TRUE(is_compressible_type("text/html; charset=utf-8", allowlist));
  EXPECT_TRUE(is_compressible_type("Text/HTML", allowlist));
  EXPECT_FALSE(is_compressible_type("text/plain", allowlist));
  EXPECT_TRUE(is_compressible_type("application/octet-stream", allowlist));
  EXPECT_TRUE(is_compressible_type("image/svg+xml", allowlist));
  EXPECT_FALSE(is_compressible_type("image/png", allowlist));
  EXPECT_TRUE(is_compressible_type("text/event-stream", {"text/event-stream"}));
  EXPECT_TRUE(is_compressible_type("font/ttf", {"*/*"}));
  EXPECT_FALSE(is_compressible_type("", {"*/*"}));
}

TEST(NoTransform, FoundAsADirectiveOnly) {
  EXPECT_TRUE(has_no_transform("no-transform"));
  EXPECT_TRUE(has_no_transform("public, max-age=60, No-Transform"));
  EXPECT_TRUE(has_no_transform("max-age=60,no-transform "));
  EXPECT_TRUE(has_no_transform("private=\"x\", no-transform"));
  EXPECT_FALSE(has_no_transform(""));
  EXPECT_FALSE(has_no_transform("public, max-age=60"));
  EXPECT_FALSE(has_no_transform("no-transformation"));
  EXPECT_FALSE(has_no_transform("x-no-transform"));
  EXPECT_FALSE(has_no_transform("no-cache=\"a, no-transform\", max-age=5"));
  EXPECT_FALSE(has_no_transform("no-cache=\"a\\\", no-transform\""));
  EXPECT_FALSE(has_no_transform("ext=no-transform"));
  EXPECT_FALSE(has_no_transform(std::string(100 * 1024, '"')));
}

}  // namespace
}  // namespace centinela::compress
