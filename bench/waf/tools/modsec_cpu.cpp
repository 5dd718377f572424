// CPU per inspected request on `waf.engine: modsecurity`: a route's stage
// (libmodsecurity3 with Debian's CRS at paranoia N, block mode) runs the
// same benign API requests as waf_cpu, over and over — head, body, the
// outcome — as the gateway runs it. Prints µs per request (thread CPU
// time), to set beside waf_cpu's numbers for centinela's own engine. Not a
// test: nothing asserts on time.
//
//   modsec_cpu [--paranoia N] [--n N] [--case get|json|all]
#include <glob.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_requests.h"
#include "modsec/modsec_engine.h"
#include "stage/request_context.h"

using namespace centinela;

namespace {

double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Debian's CRS in the default `waf.rules` order (the optional files when present).
std::vector<std::string> default_files() {
  std::vector<std::string> files;
  for (const config::WafRuleFile& entry : config::default_waf_rules()) {
    glob_t found{};
    if (::glob(entry.path.c_str(), 0, nullptr, &found) == 0) {
      for (std::size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
    }
    ::globfree(&found);
  }
  return files;
}

// One request through the stage; the score CRS gave it.
int inspect(stage::Stage& stage, const bench::Request& request, bool print = false) {
  stage::Arena arena;
  stage::RequestContext ctx(const_cast<stage::RequestHead&>(request.head), arena);
  ctx.client_ip = request.client_ip;
  ctx.request_id = "bench";
  stage::RequestVerdict verdict = stage.on_request_head(ctx);
  if (verdict.kind() == stage::RequestVerdict::Kind::buffer_body) {
    verdict = stage.on_request_body(ctx, request.body, true);
  }
  if (print) {
    std::printf("%-5s: action %s, score %d\n", request.name.c_str(),
                std::string(ctx.waf_action).c_str(), ctx.waf_score);
  }
  return ctx.waf_score;
}

}  // namespace

int main(int argc, char** argv) {
  int paranoia = 1, n = 500;
  std::string which = "all";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--paranoia" && i + 1 < argc) {
      paranoia = std::atoi(argv[++i]);
    } else if (arg == "--n" && i + 1 < argc) {
      n = std::atoi(argv[++i]);
    } else if (arg == "--case" && i + 1 < argc) {
      which = argv[++i];
    } else {
      std::puts("modsec_cpu [--paranoia N] [--n N] [--case get|json|all]");
      return arg == "-h" || arg == "--help" ? 0 : 2;
    }
  }
  std::string error;
  auto engine = modsec::Engine::load(default_files(), error);
  if (!engine) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  config::Config config;
  config::RouteConfig& route = config.routes.emplace_back();
  route.waf.mode = config::WafMode::block;
  route.waf.paranoia = static_cast<unsigned>(paranoia);
  if (error = engine->prepare(config); !error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  waf::OutcomeSettings outcome;
  outcome.route = "bench";
  outcome.paranoia = route.waf.paranoia;
  outcome.metrics = false;
  outcome.incidents = [](const observe::IncidentRecord&) {};
  auto stage = engine->make_stage(route.waf, outcome);
  for (const bench::Request& request : bench::requests()) {
    if (which != "all" && which != request.name) continue;
    inspect(*stage, request, true);
    for (int i = 0; i < n / 10 + 1; ++i) inspect(*stage, request);
    const double start = thread_seconds();
    for (int i = 0; i < n; ++i) inspect(*stage, request);
    const double seconds = thread_seconds() - start;
    std::printf("%-5s %d requests: %.2f µs CPU per request (libmodsecurity %s, PL%d)\n",
                request.name.c_str(), n, seconds * 1e6 / n,
                std::string(modsec::library_version()).c_str(), paranoia);
  }
  return 0;
}
