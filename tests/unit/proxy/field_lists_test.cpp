#include "proxy/field_lists.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::proxy {
namespace {

namespace http = boost::beast::http;

std::string vary_lines(const http::fields& fields) {
  std::string out;
  for (const auto& field : fields) {
    if (field.name() != http::field::vary) continue;
    if (!out.empty()) out += " | ";
    out += field.value();
  }
  return out;
}

TEST(FieldLists, ListContainsIgnoresCaseAndSpacesAndHonoursStar) {
  EXPECT_TRUE(list_contains("Origin, accept-encoding", "Accept-Encoding"));
  EXPECT_TRUE(list_contains(" *", "Origin"));
  EXPECT_FALSE(list_contains("Accept-Encoding-X, Originate", "Origin"));
  EXPECT_FALSE(list_contains("", "Origin"));
}

TEST(FieldLists, AddVaryKeepsEveryExistingLine) {
  http::fields none;
  add_vary(none, "Accept-Encoding");
  EXPECT_EQ(vary_lines(none), "Accept-Encoding");

  http::fields one;
  one.insert(http::field::vary, "Origin");
  add_vary(one, "Accept-Encoding");
  EXPECT_EQ(vary_lines(one), "Origin, Accept-Encoding");

  http::fields two;
  two.insert(http::field::vary, "Origin");
  two.insert(http::field::vary, "X-Tenant");
  add_vary(two, "Accept-Encoding");
  EXPECT_EQ(vary_lines(two), "Origin | X-Tenant | Accept-Encoding");

  http::fields listed;
  listed.insert(http::field::vary, "Origin");
  listed.insert(http::field::vary, "accept-encoding");
  add_vary(listed, "Accept-Encoding");
  EXPECT_EQ(vary_lines(listed), "Origin | accept-encoding");
}

}  // namespace
}  // namespace centinela::proxy
