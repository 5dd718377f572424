// Files, globs and Include: order, relative paths, what is missing, cycles.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "seclang/parse.h"

namespace centinela::seclang {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "seclang-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = std::filesystem::path(dir_) / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  static std::vector<std::uint32_t> ids(const ParseResult& result) {
    std::vector<std::uint32_t> out;
    for (const Item& item : result.items) {
      if (const Rule* rule = std::get_if<Rule>(&item)) out.push_back(rule->id().value_or(0));
    }
    return out;
  }
  static std::string errors_of(const ParseResult& result) {
    std::string out;
    for (const ParseError& e : result.errors) out += e.to_string() + "\n";
    return out;
  }
  std::string dir_;
};

TEST_F(FilesTest, OrderGivenThenGlobsSortedBytewise) {
  write("rules/b.conf", "SecAction id:2\n");
  write("rules/a.conf", "SecAction id:1\n");
  write("rules/B.conf", "SecAction id:3\n");
  write("rules/notes.txt", "not SecLang\n");
  const std::string setup = write("setup.conf", "SecAction id:9\n");
  const std::vector<std::string> paths = {setup, dir_ + "/rules/*.conf"};
  const ParseResult result = parse_files(paths);
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(ids(result), (std::vector<std::uint32_t>{9, 3, 1, 2}));  // 'B' < 'a' < 'b'
  ASSERT_EQ(result.files.size(), 4u);
  EXPECT_EQ(result.files[1], dir_ + "/rules/B.conf");
}

TEST_F(FilesTest, IncludeIsReadInPlaceRelativeToTheIncludingFile) {
  write("conf/sub/one.conf", "SecAction id:2\n");
  write("conf/sub/two.conf", "SecAction id:3\n");
  const std::string main = write("conf/main.conf",
                                 "SecAction id:1\n"
                                 "Include sub/*.conf\n"
                                 "IncludeOptional sub/missing.conf\n"
                                 "IncludeOptional nothing/*.conf\n"
                                 "SecAction id:4\n");
  const ParseResult result = parse_files(std::vector<std::string>{main});
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(ids(result), (std::vector<std::uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(std::get<Rule>(result.items[1]).where.file, dir_ + "/conf/sub/one.conf");
}

TEST_F(FilesTest, MissingFilesAreErrorsAtTheIncludeThatNamesThem) {
  const std::string main = write("main.conf",
                                 "SecAction id:1\n"
                                 "  Include missing.conf\n"
                                 "Include none/*.conf\n");
  const ParseResult result = parse_files(std::vector<std::string>{main});
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].to_string(),
            main + ":2:3: cannot open '" + dir_ + "/missing.conf': no such file");
  EXPECT_EQ(result.errors[1].to_string(),
            main + ":3:1: no file matches '" + dir_ + "/none/*.conf'");
  const std::vector<std::string> top = {dir_ + "/absent.conf", dir_ + "/*.nothing"};
  const ParseResult missing = parse_files(top);
  ASSERT_EQ(missing.errors.size(), 2u);
  EXPECT_EQ(missing.errors[0].to_string(),
            dir_ + "/absent.conf: cannot open '" + dir_ + "/absent.conf': no such file");
}

TEST_F(FilesTest, IncludeCyclesAndFoldersAreRefused) {
  const std::string a = write("a.conf", "SecAction id:1\nInclude b.conf\n");
  write("b.conf", "SecAction id:2\nInclude a.conf\n");
  const ParseResult result = parse_files(std::vector<std::string>{a});
  ASSERT_EQ(result.errors.size(), 1u) << errors_of(result);
  EXPECT_EQ(result.errors[0].to_string(),
            dir_ + "/b.conf:2:1: Include cycle: '" + dir_ + "/a.conf' is already being read");
  EXPECT_EQ(ids(result), (std::vector<std::uint32_t>{1, 2}));
  const ParseResult folder = parse_files(std::vector<std::string>{dir_});
  ASSERT_EQ(folder.errors.size(), 1u);
  EXPECT_NE(folder.errors[0].message.find("it is a folder"), std::string::npos);
}

TEST_F(FilesTest, EachFileClosesItsOwnChains) {
  const std::string a = write("a.conf", "SecRule ARGS x \"id:1,chain\"\n");
  const std::string b = write("b.conf", "SecRule ARGS y \"t:none\"\n");
  const ParseResult result = parse_files(std::vector<std::string>{a, b});
  ASSERT_EQ(result.errors.size(), 2u) << errors_of(result);
  EXPECT_EQ(result.errors[0].where.file, a);  // left open
  EXPECT_EQ(result.errors[1].where.file, b);  // no id: a new rule, not a link
}

TEST_F(FilesTest, ParseTextIncludesRelativeToItsName) {
  write("x/inc.conf", "SecAction id:5\n");
  const ParseResult result =
      parse_text("Include inc.conf\nSecAction id:6\n", dir_ + "/x/main.conf");
  ASSERT_TRUE(result.ok()) << errors_of(result);
  EXPECT_EQ(ids(result), (std::vector<std::uint32_t>{5, 6}));
}

}  // namespace
}  // namespace centinela::seclang
