#include "crs_harness.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "pattern/confirmer.h"
#include "waf/evaluation.h"
#include "waf/scratch.h"
#include "waf/text.h"

namespace centinela::waf::test {

namespace {

std::string scalar(const YAML::Node& node, const std::string& fallback = "") {
  return node && node.IsScalar() ? node.as<std::string>() : fallback;
}

std::string base64_decode(std::string_view in) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0, count = 0;
  for (char c : in) {
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) continue;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

StageInput read_input(const YAML::Node& in) {
  StageInput input;
  input.method = scalar(in["method"], "GET");
  input.uri = scalar(in["uri"], "/");
  input.version = scalar(in["version"], "HTTP/1.1");
  if (const YAML::Node h = in["headers"]; h && h.IsMap()) {
    for (const auto& kv : h) {
      input.headers.emplace_back(kv.first.as<std::string>(), scalar(kv.second));
    }
  }
  if (const YAML::Node d = in["data"]) {
    input.has_data = true;
    if (d.IsSequence()) {
      for (std::size_t i = 0; i < d.size(); ++i) {
        input.data += (i ? "\r\n" : "") + scalar(d[i]);
      }
    } else {
      input.data = scalar(d);
    }
  }
  input.stop_magic = in["stop_magic"] && in["stop_magic"].as<bool>();
  input.raw_request = scalar(in["raw_request"]);
  if (const std::string encoded = scalar(in["encoded_request"]); !encoded.empty()) {
    input.raw_request = base64_decode(encoded);
  }
  return input;
}

void read_file(const std::filesystem::path& path, std::vector<StageCase>& out) {
  const YAML::Node doc = YAML::LoadFile(path.string());
  const std::string group = path.filename().string().substr(0, 3);
  for (const YAML::Node& test : doc["tests"]) {
    std::size_t n = 0;
    for (const YAML::Node& stage : test["stages"]) {
      const YAML::Node s = stage["stage"];
      StageCase c;
      c.file = path.filename().string();
      c.title = scalar(test["test_title"]) + (n++ ? "#" + std::to_string(n) : "");
      c.group = group;
      c.input = read_input(s["input"]);
      const YAML::Node o = s["output"];
      c.log_contains = scalar(o["log_contains"]);
      c.no_log_contains = scalar(o["no_log_contains"]);
      c.checkable = !c.log_contains.empty() || !c.no_log_contains.empty();
      out.push_back(std::move(c));
    }
  }
}

// Splits a raw request ("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody").
void parse_raw(const std::string& raw, StageInput& in) {
  std::size_t eol = raw.find('\n');
  std::string line = raw.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::size_t s1 = line.find(' '), s2 = line.rfind(' ');
  in.method = line.substr(0, s1);
  in.uri = s2 > s1 ? line.substr(s1 + 1, s2 - s1 - 1) : line.substr(s1 + 1);
  in.version = s2 > s1 ? line.substr(s2 + 1) : "HTTP/1.1";
  std::size_t pos = eol == std::string::npos ? raw.size() : eol + 1;
  while (pos < raw.size()) {
    eol = raw.find('\n', pos);
    std::string h = raw.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? raw.size() : eol + 1;
    if (!h.empty() && h.back() == '\r') h.pop_back();
    if (h.empty()) break;
    const std::size_t colon = h.find(':');
    std::string value = colon == std::string::npos ? "" : h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    in.headers.emplace_back(h.substr(0, colon), value);
  }
  in.has_data = pos < raw.size();
  in.data = raw.substr(std::min(pos, raw.size()));
  in.stop_magic = true;
}

bool has_header(const StageInput& in, std::string_view name) {
  return std::any_of(in.headers.begin(), in.headers.end(), [&](const auto& h) {
    return h.first.size() == name.size() &&
           std::equal(name.begin(), name.end(), h.first.begin(),
                      [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  });
}

bool log_matches(const std::string& pattern, const std::string& log) {
  std::string error;
  auto re = pattern::Confirmer::compile(pattern, error);
  pattern::ConfirmScratch scratch;
  return re && re->match(log, scratch) == pattern::Confirm::match;
}

}  // namespace

std::vector<StageCase> read_cases(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<StageCase> out;
  for (const auto& f : files) read_file(f, out);
  return out;
}

std::unique_ptr<TestRequest> build_request(const StageInput& original) {
  StageInput in = original;
  if (!in.raw_request.empty()) parse_raw(in.raw_request, in);
  if (in.has_data && !in.stop_magic) {
    if (!has_header(in, "content-type")) {
      in.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    }
    if (!has_header(in, "content-length")) {
      in.headers.emplace_back("Content-Length", std::to_string(in.data.size()));
    }
  }
  // The view reads the version Beast keeps (a number): 1.0, 1.1 and 2.0
  // exist; the suite's odd spellings (JUNK/1.0, HTTP/3.0) read as 1.1.
  const std::string number = in.version.starts_with("HTTP/") ? in.version.substr(5) : in.version;
  // Apache drops Content-Length when Transfer-Encoding is present (the
  // suite's 920181 relies on it); centinela's front door refuses both.
  if (has_header(in, "transfer-encoding")) {
    std::erase_if(in.headers, [](const auto& h) { return iequals(h.first, "content-length"); });
  }
  const unsigned version = number == "1.0" ? 10 : number == "2" || number == "2.0" ? 20 : 11;
  auto request = std::make_unique<TestRequest>(in.method, in.uri, in.headers, version);
  request->ctx.request_id = "YcB9sBBLm2oAAAAAAAAAAAAA";
  request->body(in.data);
  return request;
}

StageResult run_case(const Program& program, const StageCase& c) {
  const auto request = build_request(c.input);
  Evaluation ev(program, request->view, thread_scratch(*program.set), EngineMode::detection_only);
  ev.set_unique_id(request->ctx.request_id);
  for (int phase = 1; phase <= 2; ++phase) ev.run_phase(phase);
  StageResult result;
  for (const Finding& f : ev.findings()) {
    result.log += "[id \"" + std::to_string(f.rule) + "\"] [msg \"" + f.msg + "\"] [data \"" +
                  f.logdata + "\"]\n";
  }
  result.passed = true;
  if (!c.log_contains.empty()) result.passed &= log_matches(c.log_contains, result.log);
  if (!c.no_log_contains.empty()) result.passed &= !log_matches(c.no_log_contains, result.log);
  return result;
}

std::shared_ptr<const RuleSet> crs_rules() {
  static const std::shared_ptr<const RuleSet> set = load_rules(debian_crs_files());
  return set;
}

std::shared_ptr<const Program> crs_program_pl4() {
  static std::shared_ptr<const Program> program = [] {
    auto set = crs_rules();
    ProgramOptions options;
    options.paranoia = 4;
    // The CRS suite's own setup (tests/regression/README.md, docker-compose).
    options.tx = {{"crs_validate_utf8_encoding", "1"},
                  {"arg_name_length", "100"},
                  {"arg_length", "400"},
                  {"combined_file_sizes", "65535"},
                  // The CRS test container's defaults (owasp/modsecurity-crs).
                  {"max_num_args", "255"},
                  {"total_arg_length", "64000"},
                  {"max_file_size", "1048576"}};
    return make_program(set, options);
  }();
  return program;
}

}  // namespace centinela::waf::test
