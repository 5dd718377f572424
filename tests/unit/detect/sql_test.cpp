#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>

#include "detect/detect.h"
#include "detect/sql_fingerprint.h"
#include "detect/sql_lexer.h"

namespace centinela::detect {
namespace {

std::string fingerprint(std::string_view value, SqlContext context = SqlContext::as_is) {
  return std::string(sql_fingerprint(value, context).view());
}

TEST(SqlLexerTest, TablesAreSortedForTheirBinarySearch) {
  const auto words = sql_words();
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end(),
                             [](const SqlWord& a, const SqlWord& b) { return a.word < b.word; }));
  const auto set = sql_fingerprint_set();
  EXPECT_TRUE(std::adjacent_find(set.begin(), set.end(), std::greater_equal<>()) == set.end());
}

TEST(SqlLexerTest, ReadsTheCommonShapes) {
  EXPECT_EQ(fingerprint("1 union all select null,null--"), "1UE1,");
  EXPECT_EQ(fingerprint("' or '1'='1", SqlContext::single_quote), "s&sos");
  EXPECT_EQ(fingerprint("1; drop table users"), "1;Ekn");
  EXPECT_EQ(fingerprint("admin'--", SqlContext::single_quote), "sc");
  EXPECT_EQ(fingerprint("admin'#", SqlContext::single_quote), "s#");
  EXPECT_EQ(fingerprint("x\" or sleep(5)#", SqlContext::double_quote), "s&f(1");
  EXPECT_EQ(fingerprint("@@version"), "v");
  EXPECT_EQ(fingerprint("1 group by 2 order by 3"), "1B1B1");
}

TEST(SqlLexerTest, FoldsWhatDoesNotChangeTheShape) {
  // Comments inside are blanks; arithmetic and signs fold into operands.
  EXPECT_EQ(fingerprint("1/**/union/**/select/**/1"), "1UE1");
  EXPECT_EQ(fingerprint("-1+2*3 or 1"), "1&1");
  EXPECT_EQ(fingerprint("'a' 'b' = 'ab'", SqlContext::as_is), "sos");
  EXPECT_EQ(fingerprint("1 --"), "1c");
  // A comment with words in it is another token: prose ends that way too.
  EXPECT_EQ(fingerprint("1 -- the rest"), "1C");
  EXPECT_EQ(fingerprint("1 -- rest\nunion select 2"), "1UE1");
  // MySQL runs what is inside /*! … */.
  EXPECT_EQ(fingerprint("1 /*!50000union*/ select 2"), "1UE1");
}

TEST(SqlLexerTest, KnownFunctionsOnlyWhenCalled) {
  EXPECT_EQ(fingerprint("char(65)"), "f(1)");
  EXPECT_EQ(fingerprint("char"), "t");
  EXPECT_EQ(fingerprint("user name"), "nn");
  EXPECT_EQ(fingerprint("user()"), "f()");
}

TEST(SqlDetectTest, FindsInjections) {
  for (const char* attack :
       {"1' or '1'='1", "' OR 1=1--", "admin'--", "1 union select username, password from users--",
        "1; DROP TABLE users--", "\" or \"\"=\"", "1' AND SLEEP(5)#", "1) or (1=1",
        "' UNION SELECT NULL,NULL,NULL--", "1' and extractvalue(1,concat(0x7e,version()))--",
        "1;waitfor delay '0:0:5'--", "-1 union select 1,2,3"}) {
    const auto found = detect_sql(attack);
    ASSERT_TRUE(found) << attack;
    EXPECT_EQ(found->kind, Kind::sql);
    EXPECT_LE(found->begin, found->end);
    EXPECT_LE(found->end, std::string_view(attack).size());
  }
}

TEST(SqlDetectTest, LetsProseThrough) {
  for (const char* prose :
       {"O'Brien", "D'Angelo", "Drop me a line", "select your size", "Please select your size.",
        "Where is my order?", "I'm not sure", "rock 'n' roll", "It's 5 o'clock", "Union Square",
        "order by phone", "P@ss'w0rd;--", "hello-world", "1/26/11",
        "550e8400-e29b-41d4-a716-446655440000", "alice@example.com"}) {
    EXPECT_FALSE(detect_sql(prose)) << prose << ": " << detect_sql(prose)->fingerprint;
  }
}

// A value that is a query fragment on its own: a function left open, the
// tail of a select list, a string closed before a statement (CRS regression
// requests; the fragment shapes of refine.py).
TEST(SqlDetectTest, FindsFragmentsAlone) {
  for (const char* fragment :
       {"COS(", "Rand (", "user(", "select load_file(", "SELECT CHAR(", "date(", "Uncompress (",
        " from_unixtime( ", ")      AS schlagwoerter      FROM", ") AS 'x' FROM",
        ") AS `carrier_id` from", "\" ALTER A", "' alter/", "' ', 10"}) {
    EXPECT_TRUE(detect_sql(fragment)) << fragment;
  }
}

TEST(SqlDetectTest, LetsTheFragmentsNeighboursThrough) {
  // Prose and code with the same words, O'Brien in a form, SQL discussed in
  // a forum post: more tokens or other shapes than a fragment alone.
  for (const char* neighbour :
       {"cos(x) is periodic", "Call count() on it", "(see below)", "as seen from the street",
        ") as for me, from now on", "O'Brien, 10 Main St", "\"Alter ego\" is a film",
        "'Tis the season", "The cast (2019) was great", "sin", "user", "COS", "date", "date()",
        "date (see below)", "Last (but not least)", "year(s)", "times("}) {
    EXPECT_FALSE(detect_sql(neighbour)) << neighbour << ": " << detect_sql(neighbour)->fingerprint;
  }
}

// A login name closed by its quote and cut off by MySQL's '#', and a
// number cut off by a bare comment: the endings of an injection into a
// string or a numeric parameter. Titles end with "'#", ids and tokens
// fold to a number and a comment, notes have words in theirs.
TEST(SqlDetectTest, FindsCutOffEndings) {
  for (const char* attack : {"admin' #", "'#", "\" #", "admin\"#", "1--", "1 /*", "1*1--",
                             "1 * 1  /*", "( ( 1 ) )  --", "-1 -- -"}) {
    EXPECT_TRUE(detect_sql(attack)) << attack;
  }
  for (const char* neighbour :
       {"BAMBOO CHARCOAL SOAP 1 '#", "it's#", "Zoë!it's#", "O'Brien #1", "1611-IioXXIG1ti8rspL2v--",
        "1-- foo sp_password", "10 -- 20 items", "5 /* approx */", "--", "# 1", "1 - 2",
        "2024-03-01", "#hashtag", "we're #1"}) {
    EXPECT_FALSE(detect_sql(neighbour)) << neighbour << ": " << detect_sql(neighbour)->fingerprint;
  }
}

// An operator alone between two quotes bypasses a login through MySQL's
// implicit conversion (name='' - ''); a quoted word, number or sentence
// with an operator in it is no such value, nor a search for "*".
TEST(SqlDetectTest, FindsQuotedOperatorsAlone) {
  for (const char* attack : {"'-'", "\"^\"", "\"&\"", "' || '", "'<='", " '!=' "}) {
    EXPECT_TRUE(detect_sql(attack)) << attack;
  }
  for (const char* neighbour :
       {"'a'", "\"-1\"", "\"N/A\"", "'*' marks a required field", "' '", "\"-'", "it's - that's it",
        "'-' is a dash", "\"*\"", "'*'", "\"*\" and \"-\""}) {
    EXPECT_FALSE(detect_sql(neighbour)) << neighbour << ": " << detect_sql(neighbour)->fingerprint;
  }
}

// XPath's node functions after a closed string: the shape SQL lists never
// write, so it is a fragment of its own (refine.py's FRAGMENTS).
TEST(SqlDetectTest, FindsXPathNodeFunctionsAfterAClosedString) {
  EXPECT_TRUE(detect_sql("x' or name()='username' or 'x'='y"));
  for (const char* neighbour :
       {"Rock 'n' roll or name() it", "O'Brien or Smith (2020)", "call name() or last()"}) {
    EXPECT_FALSE(detect_sql(neighbour)) << neighbour << ": " << detect_sql(neighbour)->fingerprint;
  }
}

TEST(SqlDetectTest, HostileInputIsReadInBoundedWork) {
  std::string big(1 << 20, '\'');
  EXPECT_NO_FATAL_FAILURE(detect_sql(big));
  std::string comments;
  for (int i = 0; i < 100000; ++i) comments += "/**/";
  comments += "1 or 1=1";
  EXPECT_NO_FATAL_FAILURE(detect_sql(comments));
  const std::string nuls(
      "1\0or\0"
      "1=1\xff\xfe",
      10);
  EXPECT_NO_FATAL_FAILURE(detect_sql(nuls));
  std::string arithmetic = "1";
  for (int i = 0; i < 100000; ++i) arithmetic += "+1";
  EXPECT_EQ(fingerprint(arithmetic), "1");
}

}  // namespace
}  // namespace centinela::detect
