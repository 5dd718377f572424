#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "detect/detect.h"
#include "detect/path_files.h"

namespace centinela::detect {
namespace {

std::string finding(std::string_view value) {
  const auto found = detect_path(value);
  return found ? std::string(found->fingerprint) : std::string();
}

TEST(PathDetectTest, FileTableIsSorted) {
  const auto files = system_files();
  EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
}

TEST(PathDetectTest, TraversalAboveTheStart) {
  EXPECT_EQ(finding("../../../../etc/shadow"), "traversal");
  EXPECT_EQ(finding("..\\..\\windows\\win.ini"), "traversal");
  EXPECT_EQ(finding("....//....//etc/hosts"), "traversal");
  EXPECT_EQ(finding("file=../../x"), "traversal");
  EXPECT_EQ(finding("..;/..;/admin"), "traversal");
  EXPECT_EQ(finding("a/b/../../../../c"), "traversal");
}

TEST(PathDetectTest, SystemFiles) {
  EXPECT_EQ(finding("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(finding("../etc/passwd"), "etc/passwd");
  EXPECT_EQ(finding("/var/www/../../etc/passwd\0.png"), "etc/passwd");
  EXPECT_EQ(finding("C:\\boot.ini"), "boot.ini");
  EXPECT_EQ(finding("c:\\windows\\system32\\drivers\\etc\\hosts"),
            "windows/system32/drivers/etc/hosts");
  EXPECT_EQ(finding("..\xe2\x88\x95..\xe2\x88\x95"
                    "etc\xe2\x88\x95passwd"),
            "traversal");                                  // U+2215
  EXPECT_EQ(finding("AAAA/../etc/passwd"), "etc/passwd");  // a ".." that stays inside
  EXPECT_EQ(finding("file:///etc/passwd"), "etc/passwd");
  EXPECT_EQ(finding("../.htaccess"), ".htaccess");
}

// A value that is itself an absolute path into a system directory, or a
// padded path to a system file; the application's own paths pass.
TEST(PathDetectTest, SystemDirectoriesAndPadding) {
  EXPECT_EQ(finding("/var/log/yum.log"), "var/log/");
  EXPECT_EQ(finding("/etc/php.d/xmlwriter.ini"), "etc/");
  EXPECT_EQ(finding("c:\\System32\\Inetsrv\\metabase.xml"), "system32/");
  EXPECT_EQ(finding("/usr/local/apache/logs"), "usr/local/apache");
  EXPECT_EQ(finding("/.forward"), ".forward");
  EXPECT_EQ(finding("./\\/././\\/././\\/./boot.ini"), "boot.ini");
  EXPECT_EQ(finding("/var/run/httpd.pid"), "var/run/");
  EXPECT_EQ(finding("/var/spool/cron/crontabs/root"), "var/spool/");
  EXPECT_EQ(finding("C:/xampp/tomcat/conf/tomcat-users.xml"), "xampp/");
  EXPECT_EQ(finding("C:\\sysprep.inf"), "sysprep");
  EXPECT_EQ(finding("C:/users/administrator/ntuser.dat"), "users/administrator/");
  for (const char* benign :
       {"/var/lib/app/data.db", "/usr/local/bin/backup.sh", "/srv/www/uploads/report.pdf",
        "/tmp/export.csv", "https://example.com/etc/about", "see the /var/log/ folder",
        "./././README.md", "etc/", "/etcetera/notes.txt", "C:\\Users\\Public\\notes.txt",
        "/php/tutorial", "/mysql/docs", "C:\\Program Files\\MyApp", "C:\\Users\\alice\\x.txt",
        "/var/lib/runner/x", "/var/running.txt"}) {
    EXPECT_EQ(finding(benign), "") << benign;
  }
}

// A value that makes the server fetch a file by URL or from a share on an
// address; links, shares named by host and prose pass.
TEST(PathDetectTest, RemoteFiles) {
  EXPECT_EQ(finding("file://foo.bar"), "url:file");
  EXPECT_EQ(finding("FILE:///c:/boot.txt"), "url:file");
  EXPECT_EQ(finding("\\\\10.0.0.1\\share\\shell.php"), "unc:ip");
  for (const char* benign :
       {"\\\\fileserver\\share\\report.xlsx", "\\\\10.0.0.1", "\\\\1.2.3\\x",
        "https://example.com/file://x", "file: see attached", "profile://x", "file:"}) {
    EXPECT_EQ(finding(benign), "") << benign;
  }
}

TEST(PathDetectTest, LetsOrdinaryPathsThrough) {
  for (const char* benign :
       {"../README.md", "/api/v1/users/42", "https://example.com/a/b/../c", "./src/main.cpp",
        "/home/alice/docs/report.pdf", "C:\\Users\\alice\\notes.txt", "1/2 cup of milk", "and/or",
        "images/../logo.png", "s3://bucket/path/object.json"}) {
    EXPECT_EQ(finding(benign), "") << benign;
  }
}

TEST(PathDetectTest, HostileInputIsReadInBoundedWork) {
  std::string slashes(1 << 20, '/');
  EXPECT_FALSE(detect_path(slashes));
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "a/";
  EXPECT_EQ(finding(deep + "../etc/passwd"), "etc/passwd");
  EXPECT_FALSE(detect_path(deep + "../b/c"));
  std::string parents;
  for (int i = 0; i < 100000; ++i) parents += "../";
  EXPECT_EQ(finding(parents), "traversal");
}

}  // namespace
}  // namespace centinela::detect
