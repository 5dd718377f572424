#include <gtest/gtest.h>

#include <string>

#include "detect/detect.h"

namespace centinela::detect {
namespace {

std::string command(std::string_view value) {
  const auto found = detect_shell(value);
  return found ? std::string(found->fingerprint) : std::string();
}

TEST(ShellDetectTest, SeparatorsAndSubstitutions) {
  EXPECT_EQ(command(";id"), "id");
  EXPECT_EQ(command("a|id|"), "id");
  EXPECT_EQ(command("127.0.0.1 && whoami"), "whoami");
  EXPECT_EQ(command("x || ping -c 10 127.0.0.1"), "ping");
  EXPECT_EQ(command("abc\nid"), "id");
  EXPECT_EQ(command("1`uname -a`"), "uname");
  EXPECT_EQ(command("$(cat /etc/passwd)"), "cat");
  EXPECT_EQ(command("; ls -la"), "ls");
  EXPECT_EQ(command("& dir c:\\"), "dir");
  EXPECT_EQ(command("| powershell -enc AAAA"), "powershell");
  EXPECT_EQ(command("() { :;}; /bin/bash -c id"), "bash");
}

TEST(ShellDetectTest, ObfuscatedCommandWords) {
  EXPECT_EQ(command(";c''at /etc/passwd"), "cat");
  EXPECT_EQ(command(";c\\at /etc/passwd"), "cat");
  EXPECT_EQ(command(";/???/c?t /etc/passwd"), "cat");
  EXPECT_EQ(command(";cat${IFS}/etc/passwd"), "cat");
  EXPECT_EQ(command(";{cat,/etc/passwd}"), "cat");
  EXPECT_EQ(command("|w\"h\"o$@ami"), "whoami");
  EXPECT_EQ(command("&c^md /c dir"), "cmd");
  EXPECT_EQ(command(";/usr/bin/id"), "id");
}

TEST(ShellDetectTest, ReconCommandsAlone) {
  EXPECT_EQ(command("ifconfig"), "ifconfig");
  EXPECT_EQ(command(" IPCONFIG"), "ipconfig");
  EXPECT_EQ(command("uname -a"), "uname");
  EXPECT_EQ(command("which gcc"), "gcc");
  EXPECT_EQ(command("which one is better"), "");
  EXPECT_EQ(command("whoami and why"), "");
}

TEST(ShellDetectTest, LetsProseThrough) {
  for (const char* prose :
       {"Tom & Jerry", "Books, music & more", "Rock & roll; more later", "Home | About | Contact",
        "salt & pepper", "https://example.com/?a=1&id=5", "Q&A", "AT&T", "R&D; find out more",
        "Run `make` and then `make install`", "Hi,\ncat videos are the best", "x && y || z",
        "Use `rm -rf build/` then `cmake ..`", "curl is great", "cat", "id"}) {
    EXPECT_EQ(command(prose), "") << prose;
  }
}

TEST(ShellDetectTest, HostileInputIsReadInBoundedWork) {
  std::string separators;
  for (int i = 0; i < 100000; ++i) separators += ";/???/?";
  EXPECT_NO_FATAL_FAILURE(detect_shell(separators));
  std::string braces;
  for (int i = 0; i < 100000; ++i) braces += ";${${";
  EXPECT_NO_FATAL_FAILURE(detect_shell(braces));
  const std::string nuls(";\0id\0", 5);
  EXPECT_NO_FATAL_FAILURE(detect_shell(nuls));
}

}  // namespace
}  // namespace centinela::detect
