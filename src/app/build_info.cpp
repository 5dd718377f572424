#include "app/build_info.h"

#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "app/version.h"
#include "centinela_commit.h"
#include "modsec/modsec_engine.h"

#ifndef CENTINELA_BUILD_TYPE
#define CENTINELA_BUILD_TYPE "unknown"
#endif

namespace centinela::app {
namespace {

std::string compiler() {
#if defined(__clang__)
  return fmt::format("Clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("GCC {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

// The optional parts of a build. Everything here is linked into every build
// today; the list is what a user checks before relying on a feature.
constexpr std::array<std::string_view, 8> kFeatures = {
    "waf (OWASP CRS, Hyperscan + PCRE2)",
    "redis",
    "gzip",
    "brotli",
    "zstd",
    "jwt (HS256, RS256)",
    "systemd-notify",
    "so_reuseport",
};

// kFeatures and those a build may leave out: `modsecurity` (waf.engine:
// modsecurity) only with libmodsecurity.
std::vector<std::string> features() {
  std::vector<std::string> out(kFeatures.begin(), kFeatures.end());
  if (modsec::available()) {
    out.push_back("modsecurity (libmodsecurity " + std::string(modsec::library_version()) + ")");
  }
  return out;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::string version_text() {
  std::string features;
  for (std::string_view feature : app::features()) {
    if (!features.empty()) features += ", ";
    features += feature;
  }
  return fmt::format("centinela {} (commit {}, {}, {})\nfeatures: {}\n", kVersion, CENTINELA_COMMIT,
                     CENTINELA_BUILD_TYPE, compiler(), features);
}

std::string version_json() {
  std::string features;
  for (std::string_view feature : app::features()) {
    if (!features.empty()) features += ',';
    features += json_string(feature.substr(0, feature.find(' ')));
  }
  return fmt::format(R"({{"version":{},"commit":{},"build_type":{},"compiler":{},"features":[{}]}})"
                     "\n",
                     json_string(kVersion), json_string(CENTINELA_COMMIT),
                     json_string(CENTINELA_BUILD_TYPE), json_string(compiler()), features);
}

}  // namespace centinela::app
