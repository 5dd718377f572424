#include "app/cli_help.h"

namespace centinela::app {

const std::string_view kUsage =
    "usage: centinela <command> [options]\n"
    "\n"
    "commands:\n"
    "  run -c FILE     serve with the configuration in FILE\n"
    "  check -c FILE   validate FILE; prints `configuration OK` or FILE:LINE:COLUMN: message\n"
    "  warm -c FILE --urls LIST [--concurrency N]\n"
    "                  fill the cache through the running gateway\n"
    "  version [--json]\n"
    "                  print the version, commit, build type, compiler and features\n"
    "\n"
    "`centinela COMMAND --help` describes one command.\n"
    "signals (run): SIGTERM/SIGINT drain and exit, SIGHUP reloads FILE, SIGUSR1 reopens logs\n";

namespace {

constexpr std::string_view kRunHelp =
    "usage: centinela run -c FILE\n"
    "\n"
    "Serve with the configuration in FILE, in the foreground (run it under systemd,\n"
    "a container runtime or another supervisor). FILE is checked first: any problem\n"
    "is printed as FILE:LINE:COLUMN: message and centinela exits 1 without serving.\n"
    "\n"
    "options:\n"
    "  -c, --config FILE   the configuration (YAML)\n"
    "\n"
    "signals:\n"
    "  SIGTERM, SIGINT   stop accepting, finish in-flight requests within\n"
    "                    server.drain_timeout, exit 0\n"
    "  SIGHUP            reload FILE; a file that does not load keeps the running one\n"
    "  SIGUSR1           reopen the log files at their paths (after logrotate moved them)\n"
    "\n"
    "Under systemd (Type=notify), readiness, reloads and stopping are reported to\n"
    "$NOTIFY_SOCKET.\n";

constexpr std::string_view kCheckHelp =
    "usage: centinela check -c FILE\n"
    "\n"
    "Validate FILE as `run` would, and load the WAF rules it names (through the\n"
    "compile cache). Prints `configuration OK` and exits 0, or prints one\n"
    "FILE:LINE:COLUMN: message per problem on stderr and exits 1.\n"
    "\n"
    "options:\n"
    "  -c, --config FILE   the configuration (YAML)\n";

constexpr std::string_view kWarmHelp =
    "usage: centinela warm -c FILE --urls LIST [--concurrency N]\n"
    "\n"
    "Fill the cache: GET each URL of LIST through the running gateway at FILE's\n"
    "first server.listen address, N at a time.\n"
    "\n"
    "options:\n"
    "  -c, --config FILE     the running gateway's configuration\n"
    "  --urls LIST           a file, or - for stdin: one absolute URL or /path per\n"
    "                        line, # comments\n"
    "  --concurrency N       requests at a time, 1 to 256 (default 8)\n"
    "\n"
    "exit status: 0 when all succeeded, 1 when some failed, 2 for usage or\n"
    "configuration errors (nothing fetched)\n";

constexpr std::string_view kVersionHelp =
    "usage: centinela version [--json]\n"
    "\n"
    "Print the version, the commit it was built from, the build type, the compiler\n"
    "and the optional features compiled in. --json prints one object with the keys\n"
    "version, commit, build_type, compiler and features.\n";

}  // namespace

std::string_view command_help(std::string_view command) {
  if (command == "run") return kRunHelp;
  if (command == "check") return kCheckHelp;
  if (command == "warm") return kWarmHelp;
  if (command == "version" || command == "--version" || command == "-V") return kVersionHelp;
  return kUsage;
}

}  // namespace centinela::app
