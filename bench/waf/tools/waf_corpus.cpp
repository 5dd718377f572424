// The corpus in process: each request of bench/waf/corpus (as corpus_lines.py
// writes it: one request a line, tab-separated, hex fields) through a PL1
// Program's Inspection, as the WAF stage runs it, without sockets or the
// front door. Prints one line per request: id, score, and each finding as
// rule@target (+decoders). For tuning on the train split in seconds; the
// reported numbers come from run.py.
//
//   python3 bench/waf/tools/corpus_lines.py --split train |
//     waf_corpus [--cache DIR] [--profile api|crs] [--paranoia N]
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "decode/deep_decode.h"
#include "stage/request_context.h"
#include "waf/engine.h"
#include "waf/inspection.h"

using namespace centinela::waf;

namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto digit = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(digit(hex[i]) * 16 + digit(hex[i + 1])));
  }
  return out;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path cache;
  bool with_cache = false;
  std::string profile = "api";
  int paranoia = 1;
  bool no_gates = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--no-gates") no_gates = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--no-gates") {
      --i;
      continue;
    }
    if (arg == "--cache") {
      cache = argv[i + 1];
      with_cache = true;
    } else if (arg == "--profile") {
      profile = argv[i + 1];
    } else if (arg == "--paranoia") {
      paranoia = std::atoi(argv[i + 1]);
    }
  }
  auto engine = Engine::load({}, with_cache ? &cache : nullptr);
  ProgramOptions options;
  options.paranoia = paranoia;
  options.native = kNativeSql | kNativeXss | kNativeShell | kNativePath;
  options.decode.max_depth = 3;
  if (profile == "api") options.profile = Profile::api;
  const auto program = engine->program(options);
  if (no_gates) {  // a tuning aid: what the api profile's gates cost and save
    for (Rule& rule : const_cast<Program&>(*program).rules) rule.gate = OpKind::unconditional;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    // id, method, target, headers (name:value, hex, joined by ','), body (hex)
    const std::vector<std::string> f = split(line, '\t');
    if (f.size() < 5) continue;
    centinela::stage::RequestHead head;
    head.method_string(f[1]);
    head.target(f[2]);
    head.version(11);
    for (const std::string& h : split(f[3], ',')) {
      const std::string field = unhex(h);
      const std::size_t colon = field.find(':');
      if (colon != std::string::npos) head.insert(field.substr(0, colon), field.substr(colon + 1));
    }
    const std::string body = unhex(f[4]);
    centinela::stage::Arena arena;
    centinela::stage::RequestContext ctx(head, arena);
    ctx.client_ip = "203.0.113.7";
    Inspection inspection(program, WafMode::block, arena);
    if (inspection.head(ctx)) {
      if (inspection.wants_body()) {
        inspection.body(body, true);
      } else {
        inspection.no_body();
      }
    }
    const Verdict v = inspection.verdict();
    std::printf("%s\t%lld\t", f[0].c_str(), static_cast<long long>(v.score));
    for (const Finding& finding : *v.findings) {
      std::string evidence;  // a native rule's fingerprint (its logdata's first word)
      if (finding.rule >= kFirstNativeRule) {
        evidence = finding.logdata.substr(0, finding.logdata.find(" in "));
        for (char& c : evidence) c = c == ' ' || c == '\t' ? '_' : c;
        evidence = "=" + evidence;
      }
      std::string target = finding.target;
      for (char& c : target) c = c == ' ' || c == '\t' || c == '\n' || c == '\r' ? '_' : c;
      std::printf("%u@%s%s%s%s ", finding.rule, target.c_str(), finding.decoded ? "+" : "",
                  finding.decoded ? centinela::decode::describe(finding.decoded).c_str() : "",
                  evidence.c_str());
    }
    std::printf("\n");
  }
  return 0;
}
