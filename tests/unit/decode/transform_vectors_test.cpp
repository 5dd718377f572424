// The transformation vectors of owasp-modsecurity/secrules-language-tests at
// the commit libmodsecurity3 3.0.9 tests itself with (a3d4405e; see
// tests/data/secrules-language-tests/SOURCES.md), read the way ModSecurity's
// unit-test runner reads them: "\xHH" and "\uHHHH" in the JSON text become
// one byte each (test/unit/unit_test.cc json2bin), the output compared byte
// for byte. Where libmodsecurity3 3.0.9 itself gives something else than a
// vector says, 3.0.9 is followed (checked through modsec_oracle).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decode/transform.h"
#include "modsec_oracle.h"

namespace centinela::decode {
namespace {

const std::filesystem::path kVectors = std::filesystem::path(CENTINELA_SOURCE_DIR) /
                                       "tests/data/secrules-language-tests/transformations";

void replace_all(std::string& s, const std::string& search, char replacement) {
  for (std::size_t pos = 0;;) {
    pos = s.find(search, pos);
    if (pos == std::string::npos) break;
    s.erase(pos, search.size());
    s.insert(pos, 1, replacement);
  }
}

// The first "\\" + marker + `digits` alphanumerics in `s`, or npos.
std::size_t find_escape(const std::string& s, char marker, std::size_t digits) {
  for (std::size_t i = 0; i + 1 + digits < s.size(); ++i) {
    if (s[i] != '\\' || s[i + 1] != marker) continue;
    bool all = true;
    for (std::size_t k = 0; k < digits; ++k) {
      all = all && std::isalnum(static_cast<unsigned char>(s[i + 2 + k]));
    }
    if (all) return i;
  }
  return std::string::npos;
}

// ModSecurity's json2bin: every \xHH, then every \uHHHH, as one byte (the
// low byte of the number).
std::string json2bin(std::string s) {
  for (auto [marker, digits] : {std::pair{'x', std::size_t{2}}, std::pair{'u', std::size_t{4}}}) {
    for (;;) {
      const std::size_t at = find_escape(s, marker, digits);
      if (at == std::string::npos) break;
      const std::string match = s.substr(at, 2 + digits);
      const unsigned value = std::stoul(match.substr(2), nullptr, 16);
      replace_all(s, match, static_cast<char>(value & 0xff));
    }
  }
  return s;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      static const char* digits = "0123456789abcdef";
      out += "\\x";
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

TEST(TransformVectorsTest, EveryVectorOfEveryTransformationCrsUses) {
  std::size_t checked = 0;
  std::size_t files = 0;
  std::vector<std::string> itself_differs;
  for (const auto& entry : std::filesystem::directory_iterator(kVectors)) {
    ++files;
    const boost::json::value tests = boost::json::parse(read_file(entry.path()));
    for (const boost::json::value& test : tests.as_array()) {
      const auto& object = test.as_object();
      std::string name(object.at("name").as_string());
      if (name == "cmd_line") name = "cmdLine";  // ModSecurity's internal alias
      const std::optional<Transform> transform = transform_from_name(name);
      ASSERT_TRUE(transform.has_value()) << name;
      const std::string input = json2bin(std::string(object.at("input").as_string()));
      const std::string expected = json2bin(std::string(object.at("output").as_string()));
      std::string out = "untouched";
      const bool changed = apply(*transform, input, out);
      const std::string& got = changed ? out : input;
      if (got != expected && got == testing::modsec_transform(*transform, input)) {
        // libmodsecurity3 3.0.9 itself does not give what the vector says.
        itself_differs.push_back(name + " " + printable(input));
      } else {
        EXPECT_EQ(printable(got), printable(expected))
            << entry.path().filename() << " input " << printable(input);
      }
      EXPECT_EQ(changed, got != input) << name << " " << printable(input);
      if (!changed) {
        EXPECT_EQ(out, "untouched");
      }
      ++checked;
    }
  }
  // cssDecode's output ends at a NUL in 3.0.9 (it rebuilds the string from a
  // C string); two vectors expect the NUL and what follows.
  EXPECT_EQ(itself_differs.size(), 2u);
  for (const std::string& vector : itself_differs) {
    EXPECT_EQ(vector.rfind("cssDecode ", 0), 0u) << vector;
  }
  EXPECT_EQ(files, 18u);
  EXPECT_GT(checked, 200u);
}

}  // namespace
}  // namespace centinela::decode
