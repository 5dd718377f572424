#include "app/cli.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "app/build_info.h"
#include "app/cli_help.h"
#include "app/gateway.h"
#include "app/redis_tls_loading.h"
#include "app/tls_listeners.h"
#include "app/version.h"
#include "app/waf_loading.h"
#include "config/config.h"
#include "config/effective_config.h"
#include "config/loading.h"
#include "observe/event_log.h"
#include "tls/upstream_contexts.h"
#include "waf/engine.h"
#include "warm/url_list.h"
#include "warm/warm_report.h"
#include "warm/warmer.h"

namespace centinela::app {
namespace {

struct Options {
  std::string config_path;
  bool help = false;
  bool effective = false;  // check -T
  std::string error;
  // warm only
  std::string urls_path;
  std::size_t concurrency = warm::kDefaultConcurrency;
};

std::optional<std::size_t> parse_concurrency(std::string_view text) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > warm::kMaxConcurrency) {
    return std::nullopt;
  }
  return value;
}

Options parse_options(int argc, char** argv, int first, bool warm_options, bool check_options) {
  Options options;
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool takes_value = arg == "-c" || arg == "--config" ||
                             (warm_options && (arg == "--urls" || arg == "--concurrency"));
    if (takes_value && i + 1 >= argc) {
      options.error = fmt::format("{} needs a value", arg);
      return options;
    }
    if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (check_options && (arg == "-T" || arg == "--effective")) {
      options.effective = true;
    } else if (arg == "-c" || arg == "--config") {
      options.config_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      options.config_path = std::string(arg.substr(9));
    } else if (warm_options && arg == "--urls") {
      options.urls_path = argv[++i];
    } else if (warm_options && arg.starts_with("--urls=")) {
      options.urls_path = std::string(arg.substr(7));
    } else if (warm_options && (arg == "--concurrency" || arg.starts_with("--concurrency="))) {
      const std::string_view value = arg == "--concurrency" ? argv[++i] : arg.substr(14);
      const auto concurrency = parse_concurrency(value);
      if (!concurrency) {
        options.error = fmt::format("--concurrency must be a whole number from 1 to {}, not '{}'",
                                    warm::kMaxConcurrency, value);
        return options;
      }
      options.concurrency = *concurrency;
    } else {
      options.error = fmt::format("unknown option '{}'", arg);
      return options;
    }
  }
  return options;
}

// Errors go to stderr; warnings (a secret file every user may read) to
// `warnings`, each caller reporting them its own way.
config::LoadResult load_or_report(const std::string& path,
                                  std::vector<config::ConfigError>& warnings) {
  auto result = config::load_file(path, {}, warnings);
  for (const auto& error : result.errors) std::fprintf(stderr, "%s\n", error.to_string().c_str());
  return result;
}

config::LoadResult load_or_report(const std::string& path) {
  std::vector<config::ConfigError> warnings;
  return load_or_report(path, warnings);
}

int check_command(const Options& options) {
  std::vector<config::ConfigError> warnings;
  const auto result = load_or_report(options.config_path, warnings);
  for (const auto& warning : warnings) std::fprintf(stderr, "%s\n", warning.to_string().c_str());
  if (!result.config) return 1;
  // With -T stdout is the effective config alone (YAML); the report goes to stderr.
  std::FILE* report = options.effective ? stderr : stdout;
  // The Redis TLS files load as they will at start: a CA, certificate or key
  // OpenSSL cannot use fails the check.
  std::string redis_tls_error;
  load_redis_tls(*result.config, options.config_path, nullptr, redis_tls_error);
  if (!redis_tls_error.empty()) {
    std::fprintf(stderr, "%s\n", redis_tls_error.c_str());
    return 1;
  }
  // Upstream TLS contexts are built as at start: a CA bundle, certificate or
  // key that OpenSSL does not take fails the check at its `tls:` line.
  std::vector<config::ConfigError> tls_errors;
  tls::make_upstream_contexts(*result.config, options.config_path, tls_errors);
  for (const auto& error : tls_errors) std::fprintf(stderr, "%s\n", error.to_string().c_str());
  if (!tls_errors.empty()) return 1;
  // The WAF's rules load as they will at start (through the compile cache):
  // a rule file that does not parse, or an exclusion naming an unknown rule,
  // fails the check.
  if (waf_used(*result.config)) {
    if (const std::string engine = check_engine(*result.config, options.config_path);
        !engine.empty()) {
      std::fprintf(stderr, "%s\n", engine.c_str());
      return 1;
    }
    const WafLoad waf = load_waf(*result.config, {});
    if (!waf.error.empty()) {
      std::fprintf(stderr, "%s\n", waf.error.c_str());
      return 1;
    }
    const auto errors = check_exclusions(*result.config, waf, options.config_path);
    for (const std::string& error : errors) std::fprintf(stderr, "%s\n", error.c_str());
    if (!errors.empty()) return 1;
    for (const std::string& warning : waf.warnings()) {
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    }
    std::fprintf(report, "waf rules: %s\n", waf.summary().c_str());
  }
  const TlsCheck tls = check_tls_listeners(*result.config, options.config_path, std::time(nullptr));
  for (const std::string& warning : tls.warnings)
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  for (const std::string& error : tls.errors) std::fprintf(stderr, "%s\n", error.c_str());
  if (!tls.errors.empty()) return 1;
  if (options.effective) std::fputs(config::effective_config_yaml(*result.config).c_str(), stdout);
  std::fprintf(report, "configuration OK\n");
  return 0;
}

int run_command(const Options& options) {
  std::vector<config::ConfigError> warnings;
  auto result = load_or_report(options.config_path, warnings);
  if (!result.config) return 1;
  for (const auto& warning : warnings) {
    observe::log_event(observe::Level::warn, "config warning", {{"warning", warning.to_string()}});
  }
  // Peers vanishing mid-write must be an error code, not a signal.
  ::signal(SIGPIPE, SIG_IGN);
  Gateway gateway(options.config_path, std::move(*result.config));
  return gateway.run();
}

// The URL list named by --urls ("-": standard input); nullopt when unreadable.
std::optional<std::string> read_url_list(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// Exit status: 0 all URLs succeeded, 1 some failed, 2 usage or configuration
// errors (nothing was fetched).
int warm_command(const Options& options) {
  if (options.urls_path.empty()) {
    std::fprintf(stderr, "centinela warm: --urls LIST is required\n\n%s",
                 command_help("warm").data());
    return 2;
  }
  const auto loaded = load_or_report(options.config_path);
  if (!loaded.config) return 2;
  // The warmer speaks cleartext HTTP/1.1: it goes through the first listener
  // without TLS.
  const auto& listeners = loaded.config->server.listen;
  const auto listen = std::find_if(listeners.begin(), listeners.end(),
                                   [](const config::ListenerConfig& l) { return !l.tls; });
  if (listen == listeners.end()) {
    std::fprintf(stderr,
                 "centinela warm: %s has no cleartext server.listen address to warm through\n",
                 options.config_path.c_str());
    return 2;
  }
  const auto text = read_url_list(options.urls_path);
  if (!text) {
    std::fprintf(stderr, "centinela warm: cannot read %s: %s\n", options.urls_path.c_str(),
                 std::strerror(errno));
    return 2;
  }
  const warm::UrlList list = warm::parse_url_list(*text);
  const std::string list_name = options.urls_path == "-" ? "<stdin>" : options.urls_path;
  for (const std::string& error : list.errors) {
    std::fprintf(stderr, "%s:%s\n", list_name.c_str(), error.c_str());
  }
  if (!list.errors.empty()) return 2;
  if (list.urls.empty()) {
    std::printf("warm: no URLs in %s, nothing to do\n", list_name.c_str());
    return 0;
  }

  // Peers vanishing mid-write must be an error code, not a signal.
  ::signal(SIGPIPE, SIG_IGN);
  // On a terminal the progress line is redrawn in place (4 times a second at
  // most); into a file or pipe it is a new line once a second at most.
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  warm::ProgressThrottle throttle(terminal ? std::chrono::milliseconds(250)
                                           : std::chrono::milliseconds(1000));
  bool progress_shown = false;
  warm::Warmer warmer;
  const warm::WarmSummary summary = warmer.run(
      listen->endpoint, list.urls, options.concurrency, [&](const warm::WarmProgress& progress) {
        if (progress.done == progress.total || !throttle.due()) return;
        const std::string line = warm::progress_line(progress);
        std::fprintf(stderr, terminal ? "\r%s\x1b[K" : "%s\n", line.c_str());
        progress_shown = true;
      });
  if (terminal && progress_shown) std::fputs("\r\x1b[K", stderr);
  for (const std::string& failure : summary.failures) {
    std::fprintf(stderr, "warm: failed: %s\n", failure.c_str());
  }
  if (summary.failed > summary.failures.size()) {
    std::fprintf(stderr, "warm: ... and %zu more failures\n",
                 summary.failed - summary.failures.size());
  }
  std::printf("%s\n", warm::summary_line(summary).c_str());
  return summary.failed > 0 ? 1 : 0;
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
      std::fputs(command_help(command).data(), stdout);
      return 0;
    }
  }
  if (command == "version" || command == "--version" || command == "-V") {
    const bool json = argc == 3 && std::string_view(argv[2]) == "--json";
    if (argc > 2 && !json) {
      std::fprintf(stderr, "centinela version: unknown option '%s'\n\n%s", argv[2],
                   command_help("version").data());
      return 2;
    }
    std::fputs((json ? version_json() : version_text()).c_str(), stdout);
    return 0;
  }
  if (command != "run" && command != "check" && command != "warm") {
    std::fprintf(stderr, "centinela: unknown command '%.*s'\n\n%s",
                 static_cast<int>(command.size()), command.data(), kUsage.data());
    return 2;
  }
  const Options options = parse_options(argc, argv, 2, /*warm_options=*/command == "warm",
                                        /*check_options=*/command == "check");
  if (options.help) {
    std::fputs(command_help(command).data(), stdout);
    return 0;
  }
  if (!options.error.empty() || options.config_path.empty()) {
    std::fprintf(stderr, "centinela %.*s: %s\n\n%s", static_cast<int>(command.size()),
                 command.data(),
                 options.error.empty() ? "-c FILE is required" : options.error.c_str(),
                 command_help(command).data());
    return 2;
  }
  if (command == "warm") return warm_command(options);
  return command == "check" ? check_command(options) : run_command(options);
}

}  // namespace centinela::app
