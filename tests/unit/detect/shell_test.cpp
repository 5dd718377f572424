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
  EXPECT_EQ(command(";/??\?/c?t /etc/passwd"), "cat");  // \?: no "??/" trigraph
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
  // A quote that closes the argument before it, as fuzz lists write it.
  EXPECT_EQ(command("' whoami"), "whoami");
  EXPECT_EQ(command("\"whoami"), "whoami");
  EXPECT_EQ(command("'whoami' is a command"), "");
  // Meterpreter's system probe, alone or after a separator.
  EXPECT_EQ(command("sysinfo"), "sysinfo");
  EXPECT_EQ(command("& sysinfo"), "sysinfo");
  EXPECT_EQ(command("sysinfo page"), "");
}

// A whole value that is a command no field holds, and its neighbours.
TEST(ShellDetectTest, LoneCommands) {
  EXPECT_EQ(command("sleep 10"), "sleep");
  EXPECT_EQ(command(" sleep 1 "), "sleep");
  EXPECT_EQ(command("net localgroup Administrators hacker /ADD"), "net");
  EXPECT_EQ(command("net user hacker Password1 /add"), "net");
  EXPECT_EQ(command("reg add \"HKLM\\System\\Terminal Server\" /v fDeny /t REG_DWORD /d 0 /f"),
            "reg");
  EXPECT_EQ(command("type %SYSTEMROOT%\\repair\\SYSTEM"), "type");
  for (const char* neighbour :
       {"sleep", "sleep 8 hours a night", "sleep well", "10 sleep", "Net user growth was 5% / year",
        "net user growth / Year", "net profit", "reg add-on", "type %d", "type 50%",
        "Type your name"}) {
    EXPECT_EQ(command(neighbour), "") << neighbour;
  }
}

// Fuzz lists write a newline as "\n": read so at the start or after a blank
// or separator, never inside a word, a Windows path or code.
TEST(ShellDetectTest, NewlinesWrittenOut) {
  EXPECT_EQ(command("\\nid\\n"), "id");
  EXPECT_EQ(command("\\nid|"), "id");
  EXPECT_EQ(command("a;id\\n"), "id");
  for (const char* neighbour :
       {"C:\\new\\id", "printf(\"a\\nid\")", "x\\nid", "line one\\nline two"}) {
    EXPECT_EQ(command(neighbour), "") << neighbour;
  }
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
  for (int i = 0; i < 100000; ++i) separators += ";/??\?/?";  // \?: no "??/" trigraph
  EXPECT_NO_FATAL_FAILURE(detect_shell(separators));
  std::string braces;
  for (int i = 0; i < 100000; ++i) braces += ";${${";
  EXPECT_NO_FATAL_FAILURE(detect_shell(braces));
  const std::string nuls(";\0id\0", 5);
  EXPECT_NO_FATAL_FAILURE(detect_shell(nuls));
}

}  // namespace
}  // namespace centinela::detect
