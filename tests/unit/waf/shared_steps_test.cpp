// The evaluator shares work between pipelines: a transformation step over
// the same input runs once per request whichever pipeline reaches it, and a
// multiMatch link's database is not run again over a step's joined text
// when that step changed no value. Both must leave every pipeline's output
// and every verdict as the steps run one pipeline at a time give them
// (decode::run_pipeline), on the detect corpus and mutations of it.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <string>
#include <vector>

#include "decode/transform.h"
#include "seclang/parse.h"
#include "test_request.h"
#include "waf/evaluation.h"
#include "waf/program.h"
#include "waf/scratch.h"

namespace centinela::waf {
namespace {

using decode::Transform;

// CRS's pipelines (Debian's 3.3.4, REQUEST-9*), as step lists after t:none:
// most end in lowercase after steps that leave a plain value as it is.
const std::vector<std::vector<Transform>>& pipelines() {
  using T = Transform;
  static const std::vector<std::vector<Transform>> list = {
      {},
      {T::url_decode_uni},
      {T::lowercase},
      {T::utf8_to_unicode, T::url_decode_uni, T::html_entity_decode, T::js_decode, T::css_decode,
       T::remove_nulls},
      {T::url_decode_uni, T::lowercase},
      {T::url_decode_uni, T::html_entity_decode, T::lowercase},
      {T::lowercase, T::remove_whitespace},
      {T::html_entity_decode},
      {T::utf8_to_unicode, T::url_decode_uni, T::normalize_path_win, T::lowercase},
      {T::url_decode_uni, T::cmd_line},
      {T::utf8_to_unicode, T::url_decode_uni, T::html_entity_decode, T::js_decode, T::css_decode,
       T::lowercase, T::remove_nulls},
      {T::url_decode_uni, T::html_entity_decode, T::compress_whitespace},
      {T::utf8_to_unicode, T::url_decode_uni, T::remove_nulls, T::cmd_line},
      {T::url_decode_uni, T::cmd_line, T::normalize_path, T::lowercase},
      {T::lowercase, T::url_decode_uni},
      {T::url_decode, T::replace_comments, T::compress_whitespace},
      {T::url_decode_uni, T::lowercase, T::url_decode, T::html_entity_decode, T::js_decode},
      {T::url_decode_uni, T::js_decode, T::lowercase},
  };
  return list;
}

std::string steps_text(const std::vector<Transform>& steps) {
  std::string out = "t:none";
  for (Transform t : steps) out += ",t:" + std::string(decode::transform_name(t));
  return out;
}

std::string reference(const std::vector<Transform>& steps, std::string_view value) {
  std::string a, b;
  return std::string(decode::run_pipeline(steps, value, a, b));
}

// Every byte as %XX: the view's ARGS value is then exactly `value`.
std::string encoded(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    out.push_back('%');
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

std::string unescape(std::string_view in) {
  auto digit = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      out.push_back(static_cast<char>(digit(in[i + 1]) * 16 + digit(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// tests/data/detect: every payload of every kind, benign ones too.
std::vector<std::string> payloads() {
  std::vector<std::string> out;
  for (const char* kind : {"benign", "sqli", "xss", "shell", "path"}) {
    std::ifstream in(std::string(CENTINELA_TEST_DATA) + "/detect/" + kind + ".tsv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const std::size_t tab = line.rfind('\t');
      if (tab != std::string::npos) out.push_back(unescape(line.substr(tab + 1)));
    }
  }
  return out;
}

// Mutations that make the steps change what they left alone before.
std::vector<std::string> mutations(const std::string& p) {
  std::string upper = p, entity = "&lt;" + p + "&#x41;", url = encoded(p.substr(0, 24)) + p;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string nul = p;
  nul.insert(nul.size() / 2, std::string("\0\\u0041 /*x*/", 13));
  return {p, upper, entity, url, nul};
}

std::shared_ptr<const Program> compile(const std::string& text) {
  auto set = compile_rules(seclang::parse_text(text, "test.conf"));
  EXPECT_TRUE(set->report.errors.empty()) << set->report.errors.front();
  return make_program(set, {});
}

std::string tx_of(const Evaluation& ev, const Program& program, const std::string& name) {
  const std::uint32_t slot = program.set->tx.find(name);
  return slot == kNoSlot || !ev.tx().has(slot) ? std::string("<unset>")
                                               : std::string(ev.tx().get(slot));
}

// Each pipeline's output for three arguments of one request (the same
// bytes twice, and a mutation), read back through MATCHED_VAR: every
// pipeline's output is what its steps alone make of the value.
TEST(SharedSteps, EveryPipelineGivesWhatItsOwnStepsGive) {
  const auto& list = pipelines();
  const char* args[] = {"a", "b", "c"};
  std::string rules;
  for (std::size_t p = 0; p < list.size(); ++p) {
    for (std::size_t a = 0; a < 3; ++a) {
      rules += "SecRule ARGS:" + std::string(args[a]) +
               " \"@unconditionalMatch\" \"id:" + std::to_string(100 + p * 3 + a) +
               ",phase:2,pass,nolog," + steps_text(list[p]) + ",setvar:'tx.v" +
               std::to_string(p * 3 + a) + "=%{MATCHED_VAR}'\"\n";
    }
  }
  const auto program = compile(rules);
  std::size_t checked = 0;
  for (const std::string& payload : payloads()) {
    const std::vector<std::string> m = mutations(payload);
    for (std::size_t k = 1; k < m.size(); ++k) {
      const std::string values[] = {m[0], m[k], m[0]};
      test::TestRequest request("GET", "/?a=" + encoded(values[0]) + "&b=" + encoded(values[1]) +
                                           "&c=" + encoded(values[2]));
      request.body();
      Evaluation ev(*program, request.view, thread_scratch(*program->set),
                    EngineMode::detection_only);
      ev.run_phase(1);
      ev.run_phase(2);
      for (std::size_t p = 0; p < list.size(); ++p) {
        for (std::size_t a = 0; a < 3; ++a) {
          const std::string got = tx_of(ev, *program, "v" + std::to_string(p * 3 + a));
          ASSERT_EQ(got, reference(list[p], values[a]))
              << steps_text(list[p]) << " on argument " << args[a] << ": " << values[a];
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 300000u);
}

// multiMatch links over the joined texts of every step, next to links of
// the same pipelines without multiMatch: a link fires exactly when some
// step's output of some value holds its pattern.
TEST(SharedSteps, MultiMatchFiresWhenSomeStepOfSomeValueMatches) {
  const std::vector<std::vector<Transform>> chains = {
      pipelines()[12], pipelines()[3], {Transform::url_decode_uni, Transform::lowercase}};
  const std::vector<std::string> words = {"select", "SELECT", "script", "alert", "etc/passwd",
                                          "<",      "A",      "/x",     "bin"};
  std::string rules;
  for (std::size_t c = 0; c < chains.size(); ++c) {
    for (std::size_t w = 0; w < words.size(); ++w) {
      const std::size_t id = 1000 + (c * words.size() + w) * 2;
      rules += "SecRule ARGS \"@rx " + words[w] + "\" \"id:" + std::to_string(id) +
               ",phase:2,pass,log," + steps_text(chains[c]) + ",multiMatch\"\n";
      rules += "SecRule ARGS \"@rx " + words[w] + "\" \"id:" + std::to_string(id + 1) +
               ",phase:2,pass,log," + steps_text(chains[c]) + "\"\n";
    }
  }
  const auto program = compile(rules);
  std::size_t fired = 0, checked = 0;
  for (const std::string& payload : payloads()) {
    const std::vector<std::string> m = mutations(payload);
    for (std::size_t k = 1; k < m.size(); k += 2) {
      const std::string values[] = {m[0], m[k]};
      test::TestRequest request("GET", "/?a=" + encoded(values[0]) + "&b=" + encoded(values[1]));
      request.body();
      Evaluation ev(*program, request.view, thread_scratch(*program->set),
                    EngineMode::detection_only);
      ev.run_phase(1);
      ev.run_phase(2);
      std::vector<char> got(chains.size() * words.size() * 2, 0);
      for (const Finding& f : ev.findings()) got[f.rule - 1000] = 1;
      ASSERT_LT(ev.findings_total(), EvalLimits{}.findings) << "a finding would be dropped";
      for (std::size_t c = 0; c < chains.size(); ++c) {
        for (std::size_t w = 0; w < words.size(); ++w) {
          bool any_step = false, last_step = false;
          for (const std::string& v : values) {
            for (std::size_t s = 0; s <= chains[c].size(); ++s) {
              const std::vector<Transform> prefix(chains[c].begin(), chains[c].begin() + s);
              const bool hit = reference(prefix, v).find(words[w]) != std::string::npos;
              any_step |= hit;
              if (s == chains[c].size()) last_step |= hit;
            }
          }
          const std::size_t at = (c * words.size() + w) * 2;
          ASSERT_EQ(got[at] != 0, any_step) << steps_text(chains[c]) << " multiMatch " << words[w]
                                            << " on " << values[0] << " / " << values[1];
          ASSERT_EQ(got[at + 1] != 0, last_step) << steps_text(chains[c]) << " " << words[w];
          fired += any_step;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 50000u);
  EXPECT_GT(fired, 1000u);
}

// A request with many arguments (a JSON body's worth) reads its joined
// texts through per-node columns of outputs, not value by value
// (Evaluation::column): every pipeline's link fires exactly when its
// steps' output of some argument holds the pattern (a column that skipped
// a step a value needs would leave its pattern out of the joined text).
// The fixed arguments make normalizePath act on values without a slash
// ("zq..", "."), and change nothing elsewhere.
TEST(SharedSteps, ManyArgumentsMatchAsTheirOwnStepsGive) {
  const auto& chains = pipelines();
  const std::vector<std::string> words = {"select", "script", "etc/passwd", "<", "a",
                                          "/x",     "bin",    "/y",         "zq"};
  std::string rules;
  for (std::size_t c = 0; c < chains.size(); ++c) {
    for (std::size_t w = 0; w < words.size(); ++w) {
      rules += "SecRule ARGS \"@rx " + words[w] +
               "\" \"id:" + std::to_string(1000 + c * words.size() + w) + ",phase:2,pass,log," +
               steps_text(chains[c]) + "\"\n";
    }
  }
  const auto program = compile(rules);
  std::vector<std::string> fixed = {"zq..", "/x/../y", ".", "Q.R", "x/./", "N 1"};
  for (int i = 0; fixed.size() < 16; ++i) fixed.push_back("n" + std::to_string(i));
  std::size_t fired = 0, checked = 0;
  for (const std::string& payload : payloads()) {
    const std::vector<std::string> m = mutations(payload);
    for (std::size_t k = 1; k < m.size(); k += 2) {
      std::vector<std::string> values = fixed;
      values.push_back(m[0]);
      values.push_back(m[k]);
      std::string target = "/?";
      for (std::size_t v = 0; v < values.size(); ++v) {
        target +=
            (v == 0 ? "" : "&") + std::string("p") + std::to_string(v) + "=" + encoded(values[v]);
      }
      test::TestRequest request("GET", target);
      request.body();
      EvalLimits limits;
      limits.findings = chains.size() * words.size();  // none dropped
      Evaluation ev(*program, request.view, thread_scratch(*program->set),
                    EngineMode::detection_only, limits);
      ev.run_phase(1);
      ev.run_phase(2);
      std::vector<char> got(chains.size() * words.size(), 0);
      for (const Finding& f : ev.findings()) got[f.rule - 1000] = 1;
      for (std::size_t c = 0; c < chains.size(); ++c) {
        for (std::size_t w = 0; w < words.size(); ++w) {
          bool hit = false;
          for (const std::string& v : values) {
            hit |= reference(chains[c], v).find(words[w]) != std::string::npos;
          }
          ASSERT_EQ(got[c * words.size() + w] != 0, hit)
              << steps_text(chains[c]) << " " << words[w] << " on " << m[0] << " / " << m[k];
          fired += hit;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 50000u);
  EXPECT_GT(fired, 1000u);
}

}  // namespace
}  // namespace centinela::waf
