#include "pattern/confirmer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace centinela::pattern {
namespace {

// The JIT stack grows to this; a match needing more reports `limit`.
constexpr std::size_t kJitStackStart = 32 * 1024;
constexpr std::size_t kJitStackMax = 1024 * 1024;

}  // namespace

ConfirmScratch::ConfirmScratch(Limits limits) : limits_(limits) {
  data_ = pcre2_match_data_create(Captures::kMax, nullptr);
  context_ = pcre2_match_context_create(nullptr);
  stack_ = pcre2_jit_stack_create(kJitStackStart, kJitStackMax, nullptr);
  if (context_) {
    pcre2_set_match_limit(context_, limits.match_limit);
    pcre2_set_depth_limit(context_, limits.depth_limit);
    if (stack_) pcre2_jit_stack_assign(context_, nullptr, stack_);
  }
}

ConfirmScratch::~ConfirmScratch() {
  pcre2_jit_stack_free(stack_);
  pcre2_match_context_free(context_);
  pcre2_match_data_free(data_);
}

std::unique_ptr<Confirmer> Confirmer::compile(std::string_view pattern, std::string& error,
                                              bool jit) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                       PCRE2_DOTALL | PCRE2_MULTILINE, &code, &offset, nullptr);
  if (!compiled) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof message);
    error = "offset " + std::to_string(offset) + ": " + reinterpret_cast<const char*>(message);
    return nullptr;
  }
  std::unique_ptr<Confirmer> confirmer(new Confirmer());
  confirmer->code_ = compiled;
  // Without JIT (an unsupported CPU) the interpreter runs the same pattern.
  confirmer->jit_ = jit && pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE) == 0;
  std::uint32_t groups = 0;
  pcre2_pattern_info(compiled, PCRE2_INFO_CAPTURECOUNT, &groups);
  confirmer->capture_groups_ = static_cast<int>(groups);
  return confirmer;
}

Confirmer::~Confirmer() { pcre2_code_free(code_); }

Confirm Confirmer::match(std::string_view subject, ConfirmScratch& scratch,
                         Captures* captures) const {
  if (!scratch.valid()) return Confirm::error;
  // PCRE2 10.42 refuses a null subject even when it is empty.
  const auto* bytes = reinterpret_cast<PCRE2_SPTR>(subject.data() ? subject.data() : "");
  const int rc = pcre2_match(code_, bytes, subject.size(), 0, 0, scratch.data_, scratch.context_);
  if (rc == PCRE2_ERROR_NOMATCH) return Confirm::no_match;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
      rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    return Confirm::limit;
  }
  if (rc < 0) return Confirm::error;
  if (captures) {
    // rc == 0: more groups matched than the vector holds; all of it is set.
    const unsigned filled = rc == 0 ? Captures::kMax : static_cast<unsigned>(rc);
    const PCRE2_SIZE* vector = pcre2_get_ovector_pointer(scratch.data_);
    *captures = Captures{};
    captures->count = filled < Captures::kMax ? filled : Captures::kMax;
    for (unsigned i = 0; i < captures->count; ++i) {
      const PCRE2_SIZE begin = vector[2 * i], end = vector[2 * i + 1];
      // \K in a lookahead can end a match before its start: seen as empty.
      if (begin == PCRE2_UNSET || begin > subject.size()) continue;
      captures->set[i] = true;
      captures->group[i] = subject.substr(begin, end > begin ? end - begin : 0);
    }
  }
  return Confirm::match;
}

}  // namespace centinela::pattern
