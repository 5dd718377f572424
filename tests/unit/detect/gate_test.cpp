// detect::may_detect, the byte gates a caller holding a value's byte set
// tests instead of calling a detector (the WAF's native rules): no payload
// a detector reports may fail its gate, each gate byte alone lets a value
// through, and a value one gate byte away from plain text is still caught.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "corpus.h"
#include "detect/byte_gate.h"
#include "detect/detect.h"
#include "detect/shell_commands.h"
#include "detect/sql_lexer.h"

namespace centinela::detect {
namespace {

using Bytes = std::array<std::uint64_t, 4>;

Bytes bytes_of(std::string_view value) {
  Bytes bytes{};
  for (const unsigned char c : value) bytes[c >> 6] |= std::uint64_t{1} << (c & 63);
  return bytes;
}

std::optional<Detection> run(Kind kind, std::string_view value) {
  switch (kind) {
    case Kind::sql:
      return detect_sql(value);
    case Kind::xss:
      return detect_xss(value);
    case Kind::shell:
      return detect_shell(value);
    case Kind::path:
      return detect_path(value);
  }
  return std::nullopt;
}

constexpr Kind kKinds[] = {Kind::sql, Kind::xss, Kind::shell, Kind::path};

// Every payload of the corpus (attacks and benign values), and each with a
// few bytes replaced (seeded: the same run every time).
template <class Read>
void for_each_corpus_value(std::uint32_t seed, Read read) {
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  for (const char* file : {"sqli", "xss", "shell", "path", "benign"}) {
    for (const corpus::Sample& s :
         corpus::load(std::string(CENTINELA_DETECT_DATA) + "/" + file + ".tsv")) {
      for (int variant = 0; variant < 4; ++variant) {
        std::string value = s.payload;
        for (int i = 0; i < variant && !value.empty(); ++i) {
          value[next() % value.size()] = static_cast<char>(next() >> 24);
        }
        read(value);
      }
    }
  }
}

// The corpus read by every detector: a report implies an open gate.
TEST(DetectGateTest, NoReportedValueFailsItsGate) {
  std::size_t reported = 0;
  for_each_corpus_value(1, [&](const std::string& value) {
    for (const Kind kind : kKinds) {
      if (!run(kind, value)) continue;
      ++reported;
      EXPECT_TRUE(may_detect(kind, bytes_of(value)))
          << static_cast<int>(kind) << " reports " << value << " past its gate";
    }
  });
  EXPECT_GT(reported, 5000u);
}

// Plain words, digits and the bytes of names and dates pass no gate but
// the shell's (whose first word alone can be a command).
TEST(DetectGateTest, PlainTextIsGatedOut) {
  const Bytes plain = bytes_of("Siobhan OBrien 2024 ORD_118734 v5.12.3");
  const Bytes word = bytes_of("Siobhan_OBrien_2024.12");
  EXPECT_FALSE(may_detect(Kind::sql, word));
  EXPECT_TRUE(may_detect(Kind::sql, plain));  // a blank separates SQL words
  EXPECT_FALSE(may_detect(Kind::xss, plain));
  EXPECT_FALSE(may_detect(Kind::path, plain));
  EXPECT_TRUE(may_detect(Kind::shell, word));
}

// Each gate byte alone, added to plain text, opens its gate.
TEST(DetectGateTest, EachGateByteOpensItsGate) {
  const std::string word = "Dublin_D02.H529";
  for (const char c : std::string_view("<:(`&[=")) {
    EXPECT_TRUE(may_detect(Kind::xss, bytes_of(word + c))) << c;
  }
  for (const char c : std::string_view("/\\\xe2")) {
    EXPECT_TRUE(may_detect(Kind::path, bytes_of(word + c))) << c;
  }
  for (const char c : std::string_view(" '\"-#;()=,@`\t\n")) {
    EXPECT_TRUE(may_detect(Kind::sql, bytes_of(word + c))) << c;
  }
}

// Values whose only byte outside plain text is the one their detector
// needs are still read and caught.
TEST(DetectGateTest, OneGateByteAwayIsStillCaught) {
  EXPECT_TRUE(detect_path("..\\..\\..\\windows\\win.ini"));
  EXPECT_TRUE(detect_path("../../../etc/passwd"));
  EXPECT_TRUE(
      detect_path("..\xe2\x88\x95..\xe2\x88\x95..\xe2\x88\x95"
                  "etc\xe2\x88\x95passwd"));
  EXPECT_TRUE(detect_sql("1 union select password from users"));
  // Shell: one opening after a plain first word.
  EXPECT_TRUE(detect_shell("report;id"));
  EXPECT_TRUE(detect_shell("report|id"));
  EXPECT_TRUE(detect_shell("report&&id"));
  EXPECT_TRUE(detect_shell("report\nid"));
  EXPECT_TRUE(detect_shell("report`id`"));
  EXPECT_TRUE(detect_shell("report$(id)"));
  EXPECT_TRUE(detect_shell("system('id')"));
  EXPECT_TRUE(detect_shell("report \\nid"));  // a newline written out: '\' only
  // The first word alone, no opening at all.
  EXPECT_TRUE(detect_shell("whoami"));
  EXPECT_TRUE(detect_shell("cat /etc/passwd"));
  EXPECT_FALSE(detect_shell("report id"));
}

// The shell's first-byte-and-length filter before its command search: every
// listed command, whatever its first byte and length, is still found.
TEST(DetectGateTest, EveryListedCommandPassesTheWordFilter) {
  std::size_t commands = 0;
  for (const auto list : {shell_commands(), shell_word_commands()}) {
    for (const std::string_view name : list) {
      ++commands;
      const std::string value = "report;" + std::string(name) + " /etc/passwd";
      const auto found = detect_shell(value);
      // "cmd.exe" reads as cmd: read_word drops ".exe".
      EXPECT_TRUE(found &&
                  (found->fingerprint == name || std::string(found->fingerprint) + ".exe" == name))
          << value;
    }
  }
  EXPECT_GT(commands, 100u);
}

// The SQL lexer's (first byte, last byte, length) filter before its word
// search: every word of its table is still found.
TEST(DetectGateTest, EverySqlWordPassesTheWordFilter) {
  for (const SqlWord& w : sql_words()) {
    const SqlWord* found = find_sql_word(w.word);
    EXPECT_TRUE(found != nullptr && found->word == w.word) << w.word;
  }
  EXPECT_EQ(find_sql_word("siobhan"), nullptr);
  EXPECT_GT(sql_words().size(), 100u);
}

// The shell's first-word gate (may_start_command) for values without an
// opening: every value detect_shell reports either holds an opening or
// passes it. Read over the corpus with mutations, and over every name it
// looks for, written as a value in the ways read_word reads a word.
TEST(DetectGateTest, NoShellReportFailsTheFirstWordGate) {
  const auto gate_open = [](std::string_view value) {
    return kShellOpenings.any_in(value) || may_start_command(value);
  };
  std::size_t without_opening = 0;
  for_each_corpus_value(7, [&](const std::string& value) {
    if (!detect_shell(value)) return;
    without_opening += !kShellOpenings.any_in(value);
    EXPECT_TRUE(gate_open(value)) << value;
  });
  std::vector<std::string_view> names(shell_commands().begin(), shell_commands().end());
  names.insert(names.end(), shell_word_commands().begin(), shell_word_commands().end());
  for (const std::string_view extra :
       {"ifconfig", "whoami", "uname", "tasklist", "sleep", "net", "reg", "which"}) {
    names.push_back(extra);
  }
  const std::string_view prefixes[] = {"", " ", "\t{ ", "(", "' ", "\"", "/usr/bin/", "${IFS}"};
  const std::string_view suffixes[] = {"",      " /etc/passwd",   " -a",         " 10",
                                       " gcc",  " user x y /add", ".exe",        ".EXE /c dir",
                                       " -an ", "\x01",           ",/etc/passwd"};
  for (const std::string_view name : names) {
    std::string upper(name);
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    for (const std::string_view word : {name, std::string_view(upper)}) {
      for (const std::string_view prefix : prefixes) {
        for (const std::string_view suffix : suffixes) {
          for (const std::string_view which : {"", "which "}) {
            const std::string value =
                std::string(which) + std::string(prefix) + std::string(word) + std::string(suffix);
            if (!detect_shell(value)) continue;
            without_opening += !kShellOpenings.any_in(value);
            EXPECT_TRUE(gate_open(value)) << value;
          }
        }
      }
    }
  }
  EXPECT_GT(without_opening, 1000u);
}

// Field values and prose that start with a word no list holds are gated
// out; a listed first word, or one read_word would rewrite, is not.
TEST(DetectGateTest, PlainFirstWordsAreGatedOut) {
  for (const std::string_view value :
       {"Siobhan O'Brien", "Dublin", "TSH-ORG-M-BLK", "card", "Organic cotton T-shirt, black",
        "  pending", "{Earl Grey}", "a5 dotted notebook", ""}) {
    EXPECT_FALSE(may_start_command(value)) << value;
  }
  for (const std::string_view value :
       {"cat videos", "WHOAMI", "sleep 10", " {cat,/etc/passwd}", "c'a't", "/bin/id", "ca\\t",
        "$IFS", "c?t", "cmd.exe", "Which gcc", "net user"}) {
    EXPECT_TRUE(may_start_command(value)) << value;
  }
}

}  // namespace
}  // namespace centinela::detect
