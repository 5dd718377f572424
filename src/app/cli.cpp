#include "app/cli.h"

#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "app/gateway.h"
#include "app/version.h"
#include "config/config.h"

namespace centinela::app {
namespace {

constexpr std::string_view kUsage =
    "usage: centinela <command> [options]\n"
    "\n"
    "commands:\n"
    "  run -c FILE     serve with the configuration in FILE\n"
    "  check -c FILE   validate FILE; prints `configuration OK` or FILE:LINE:COLUMN: message\n"
    "  version         print the version\n"
    "\n"
    "signals (run): SIGTERM/SIGINT drain and exit, SIGHUP reloads FILE\n";

struct Options {
  std::string config_path;
  bool help = false;
  std::string error;
};

Options parse_options(int argc, char** argv, int first) {
  Options options;
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (arg == "-c" || arg == "--config") {
      if (i + 1 >= argc) {
        options.error = fmt::format("{} needs a file name", arg);
        return options;
      }
      options.config_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      options.config_path = std::string(arg.substr(9));
    } else {
      options.error = fmt::format("unknown option '{}'", arg);
      return options;
    }
  }
  return options;
}

config::LoadResult load_or_report(const std::string& path) {
  auto result = config::load_file(path);
  for (const auto& error : result.errors) std::fprintf(stderr, "%s\n", error.to_string().c_str());
  return result;
}

int check_command(const Options& options) {
  const auto result = load_or_report(options.config_path);
  if (!result.config) return 1;
  std::printf("configuration OK\n");
  return 0;
}

int run_command(const Options& options) {
  auto result = load_or_report(options.config_path);
  if (!result.config) return 1;
  // Peers vanishing mid-write must be an error code, not a signal.
  ::signal(SIGPIPE, SIG_IGN);
  Gateway gateway(options.config_path, std::move(*result.config));
  return gateway.run();
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage.data(), stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage.data(), stdout);
    return 0;
  }
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    }
  }
  if (command == "version" || command == "--version" || command == "-V") {
    std::printf("centinela %s\n", kVersion);
    return 0;
  }
  if (command != "run" && command != "check") {
    std::fprintf(stderr, "centinela: unknown command '%.*s'\n\n%s",
                 static_cast<int>(command.size()), command.data(), kUsage.data());
    return 2;
  }
  const Options options = parse_options(argc, argv, 2);
  if (options.help) {
    std::fputs(kUsage.data(), stdout);
    return 0;
  }
  if (!options.error.empty() || options.config_path.empty()) {
    std::fprintf(
        stderr, "centinela %.*s: %s\n\n%s", static_cast<int>(command.size()), command.data(),
        options.error.empty() ? "-c FILE is required" : options.error.c_str(), kUsage.data());
    return 2;
  }
  return command == "check" ? check_command(options) : run_command(options);
}

}  // namespace centinela::app
