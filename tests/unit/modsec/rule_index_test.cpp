// The rule index of the modsecurity engine: ids and tags, and the rules
// libmodsecurity would load without honouring them.
#include "modsec/rule_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace centinela::modsec {
namespace {

std::string write_rules(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".conf");
  std::ofstream(path) << text;
  return path.string();
}

TEST(RuleIndex, ListsRulesWithAnOperatorModSecurityDoesNotKnow) {
  const std::string file = write_rules("unknown-op",
                                       "SecRule ARGS \"@rx a\" \"id:1,phase:2,deny,tag:'t/a'\"\n"
                                       "SecRule ARGS \\\n"
                                       "  \"@fooBar x\" \"id:2,phase:2,deny\"\n"
                                       "SecRule ARGS \"@rx b\" \"id:3,phase:2,deny,chain\"\n"
                                       "  SecRule ARGS \"!@bogus c\" \"t:none\"\n");
  const std::vector<std::string> files{file};
  const RuleIndex index = RuleIndex::read(files);
  std::remove(file.c_str());
  EXPECT_TRUE(index.has_tag("t/a"));
  ASSERT_EQ(index.not_honoured().size(), 2u);
  const auto& first = index.not_honoured()[0];
  EXPECT_EQ(first.id, 2u);
  EXPECT_EQ(first.where, file + ":3:4");
  EXPECT_NE(first.why.find("unknown operator 'fooBar'"), std::string::npos) << first.why;
  EXPECT_NE(first.why.find("regex"), std::string::npos) << first.why;
  const auto& second = index.not_honoured()[1];
  EXPECT_EQ(second.id, 3u);
  EXPECT_EQ(second.where, file + ":5:18");
}

TEST(RuleIndex, SoundRulesAreAllHonoured) {
  const std::string file = write_rules("sound", "SecRule ARGS \"@rx a\" \"id:1,phase:2,deny\"\n");
  const std::vector<std::string> files{file};
  const RuleIndex index = RuleIndex::read(files);
  std::remove(file.c_str());
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.not_honoured().empty());
}

}  // namespace
}  // namespace centinela::modsec
