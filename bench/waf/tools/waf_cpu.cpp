// CPU per inspected request: a route's PL-N Program (Debian's CRS) runs
// Inspection (view, phase 1, phase 2, verdict) on benign API requests,
// over and over. Prints µs per request (thread CPU time); under callgrind,
// count only the loop:
//
//   valgrind --tool=callgrind --toggle-collect=waf_cpu_measure
//     waf_cpu --cache DIR --case get --n 2000
//
// and divide Ir by N. Not a test: nothing asserts on time. Cases:
//   get   GET /api/orders?status=shipped&page=2, browser/API headers, a
//         Bearer JWT and two cookies
//   json  the same headers, POST /api/orders with a 4 KiB JSON order
//         (items, addresses, a prose note)
//
//   waf_cpu [--cache DIR] [--paranoia N] [--n N] [--case get|json|all] [--profile api|crs]
//
// --profile api (default): the gateway's defaults (waf.profile api, every
// native rule, deep decoding to depth 3); crs: CRS alone, as before them.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_requests.h"
#include "stage/request_context.h"
#include "waf/engine.h"
#include "waf/inspection.h"

using namespace centinela::waf;

namespace {

double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// As the gateway runs it: a fresh arena and context per request. `print`:
// show the verdict (its findings live as long as the inspection).
Verdict inspect(const std::shared_ptr<const Program>& program, const bench::Request& request,
                bool print = false) {
  centinela::stage::Arena arena;
  centinela::stage::RequestContext ctx(const_cast<centinela::stage::RequestHead&>(request.head),
                                       arena);
  ctx.client_ip = request.client_ip;
  Inspection inspection(program, WafMode::block, arena);
  if (inspection.head(ctx)) {
    if (inspection.wants_body()) {
      inspection.body(request.body, true);
    } else {
      inspection.no_body();
    }
  }
  const Verdict v = inspection.verdict();
  if (print) {
    std::printf("%-5s: action %s, score %lld, findings %zu", request.name.c_str(),
                std::string(to_string(v.action)).c_str(), static_cast<long long>(v.score),
                v.findings_total);
    for (const Finding& f : *v.findings) std::printf(" %u(%s)", f.rule, f.target.c_str());
    std::printf("\n");
  }
  return v;
}

}  // namespace

// The measured loop (callgrind --toggle-collect=waf_cpu_measure).
extern "C" __attribute__((noinline)) std::int64_t waf_cpu_measure(const void* program,
                                                                  const void* request, int n) {
  const auto& p = *static_cast<const std::shared_ptr<const Program>*>(program);
  const auto& r = *static_cast<const bench::Request*>(request);
  std::int64_t score = 0;
  for (int i = 0; i < n; ++i) score += inspect(p, r).score;
  return score;
}

int main(int argc, char** argv) {
  std::filesystem::path cache;
  bool with_cache = false;
  int paranoia = 1, n = 2000;
  std::string which = "all";
  std::string profile = "api";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cache" && i + 1 < argc) {
      cache = argv[++i];
      with_cache = true;
    } else if (arg == "--paranoia" && i + 1 < argc) {
      paranoia = std::atoi(argv[++i]);
    } else if (arg == "--n" && i + 1 < argc) {
      n = std::atoi(argv[++i]);
    } else if (arg == "--case" && i + 1 < argc) {
      which = argv[++i];
    } else if (arg == "--profile" && i + 1 < argc) {
      profile = argv[++i];
    } else {
      std::puts(
          "waf_cpu [--cache DIR] [--paranoia N] [--n N] [--case get|json|all] [--profile api|crs]");
      return arg == "-h" || arg == "--help" ? 0 : 2;
    }
  }
  auto engine = Engine::load({}, with_cache ? &cache : nullptr);
  ProgramOptions options;
  options.paranoia = paranoia;
  if (profile == "api") {
    options.profile = Profile::api;
    options.native = kNativeSql | kNativeXss | kNativeShell | kNativePath;
    options.decode.max_depth = 3;
  }
  const auto program = engine->program(options);
  for (const bench::Request& request : bench::requests()) {
    if (which != "all" && which != request.name) continue;
    inspect(program, request, true);  // warms the scratch and caches
    waf_cpu_measure(&program, &request, n / 10 + 1);
    const double start = thread_seconds();
    waf_cpu_measure(&program, &request, n);
    const double seconds = thread_seconds() - start;
    std::printf("%-5s %d requests: %.2f µs CPU per request\n", request.name.c_str(), n,
                seconds * 1e6 / n);
  }
  return 0;
}
