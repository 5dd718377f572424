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
//           [--evict KIB] [--inflight N]
//
// --profile api (default): the gateway's defaults (waf.profile api, every
// native rule, deep decoding to depth 3); crs: CRS alone, as before them.
// --evict KIB: between requests, write KIB of other memory, as a gateway's
// parsing, sockets and kernel do between two inspections; the time of the
// writes alone is measured apart and subtracted, so the figure is what the
// inspection costs when it finds its tables out of the caches.
// --inflight N: N inspections at once, each between its head and its body
// while the others run, as a gateway's worker holds one a connection.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
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

// Writes `bytes` of a buffer of its own: the caches then hold it rather than
// the inspection's tables.
struct Evictor {
  std::vector<unsigned char> memory;
  unsigned char round = 0;
  void run() {
    ++round;
    for (std::size_t i = 0; i < memory.size(); i += 64) memory[i] = round;
  }
};

Evictor* evictor = nullptr;

// One inspection between its head and its body.
struct InFlight {
  std::unique_ptr<centinela::stage::Arena> arena;
  std::unique_ptr<centinela::stage::RequestContext> ctx;
  std::unique_ptr<Inspection> inspection;
  bool waiting = false;
};

std::vector<InFlight>* in_flight = nullptr;

std::int64_t finish(InFlight& f, const bench::Request& request) {
  if (!f.waiting) return 0;
  if (f.inspection->wants_body()) f.inspection->body(request.body, true);
  f.waiting = false;
  const std::int64_t score = f.inspection->verdict().score;
  f.inspection.reset();
  f.ctx.reset();
  f.arena.reset();
  return score;
}

void start(InFlight& f, const std::shared_ptr<const Program>& program,
           const bench::Request& request) {
  f.arena = std::make_unique<centinela::stage::Arena>();
  f.ctx = std::make_unique<centinela::stage::RequestContext>(
      const_cast<centinela::stage::RequestHead&>(request.head), *f.arena);
  f.ctx->client_ip = request.client_ip;
  f.inspection = std::make_unique<Inspection>(program, WafMode::block, *f.arena);
  // As the stage: a request without a body to read is decided at once.
  f.waiting = f.inspection->head(*f.ctx);
  if (f.waiting && !f.inspection->wants_body()) f.inspection->no_body();
}

}  // namespace

// The measured loop (callgrind --toggle-collect=waf_cpu_measure).
extern "C" __attribute__((noinline)) std::int64_t waf_cpu_measure(const void* program,
                                                                  const void* request, int n) {
  const auto& p = *static_cast<const std::shared_ptr<const Program>*>(program);
  const auto& r = *static_cast<const bench::Request*>(request);
  std::int64_t score = 0;
  for (int i = 0; i < n; ++i) {
    if (in_flight != nullptr) {
      InFlight& f = (*in_flight)[static_cast<std::size_t>(i) % in_flight->size()];
      score += finish(f, r);
      start(f, p, r);
      continue;
    }
    score += inspect(p, r).score;
    if (evictor != nullptr) evictor->run();
  }
  return score;
}

int main(int argc, char** argv) {
  std::filesystem::path cache;
  bool with_cache = false;
  int paranoia = 1, n = 2000;
  std::string which = "all";
  std::string profile = "api";
  Evictor evict;
  std::vector<InFlight> flights;
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
    } else if (arg == "--evict" && i + 1 < argc) {
      evict.memory.resize(static_cast<std::size_t>(std::atoi(argv[++i])) * 1024);
      evictor = &evict;
    } else if (arg == "--inflight" && i + 1 < argc) {
      flights.resize(static_cast<std::size_t>(std::max(1, std::atoi(argv[++i]))));
      in_flight = &flights;
    } else {
      std::puts(
          "waf_cpu [--cache DIR] [--paranoia N] [--n N] [--case get|json|all] [--profile api|crs] "
          "[--evict KIB] [--inflight N]");
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
    const double began = thread_seconds();
    waf_cpu_measure(&program, &request, n);
    double seconds = thread_seconds() - began;
    if (evictor != nullptr) {
      const double alone = thread_seconds();
      for (int i = 0; i < n; ++i) evictor->run();
      seconds -= thread_seconds() - alone;
    }
    std::printf("%-5s %d requests: %.2f µs CPU per request\n", request.name.c_str(), n,
                seconds * 1e6 / n);
    for (InFlight& f : flights) finish(f, request);
  }
  return 0;
}
