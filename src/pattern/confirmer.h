// PCRE2 for what Hyperscan cannot decide alone: confirming a prefilter hit,
// patterns Hyperscan cannot take, and `capture` (TX:0..9). Compiled once
// with JIT as ModSecurity 3 compiles @rx (DOTALL | MULTILINE, bytes); run
// under a match limit and a depth limit, so a pathological pattern/subject
// pair costs bounded time and reports `limit`, never a match or a crash.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct pcre2_real_code_8;
struct pcre2_real_match_data_8;
struct pcre2_real_match_context_8;
struct pcre2_real_jit_stack_8;

namespace centinela::pattern {

struct Limits {
  std::uint32_t match_limit = 10000;  // PCRE2 match() calls (backtracking steps)
  std::uint32_t depth_limit = 1000;   // backtracking depth (interpreter; JIT: stack)
};

enum class Confirm : std::uint8_t {
  no_match,
  match,
  limit,  // a limit stopped the match: the verdict is unknown
  error,  // any other PCRE2 failure (none expected with a compiled pattern)
};

// What a match captured, as views into the subject: [0] the whole match,
// [1..9] the groups (TX:0..9). A group that took no part is unset.
struct Captures {
  static constexpr unsigned kMax = 10;
  std::array<std::string_view, kMax> group{};
  std::array<bool, kMax> set{};
  unsigned count = 0;  // entries filled: 1 + the highest group that matched
};

// Per worker thread: match data, the limits and the JIT stack, made once so
// a confirmation allocates nothing. Not shared between threads.
class ConfirmScratch {
 public:
  explicit ConfirmScratch(Limits limits = {});
  ~ConfirmScratch();
  ConfirmScratch(const ConfirmScratch&) = delete;
  ConfirmScratch& operator=(const ConfirmScratch&) = delete;

  const Limits& limits() const { return limits_; }
  bool valid() const { return data_ && context_; }

 private:
  friend class Confirmer;
  Limits limits_;
  pcre2_real_match_data_8* data_ = nullptr;
  pcre2_real_match_context_8* context_ = nullptr;
  pcre2_real_jit_stack_8* stack_ = nullptr;
};

class Confirmer {
 public:
  // nullptr with `error` ("offset N: message") when PCRE2 refuses it.
  // Without `jit` only the interpreter runs it (for a validity check).
  static std::unique_ptr<Confirmer> compile(std::string_view pattern, std::string& error,
                                            bool jit = true);
  ~Confirmer();
  Confirmer(const Confirmer&) = delete;
  Confirmer& operator=(const Confirmer&) = delete;

  // Searches `subject` (anywhere, as @rx does). With `captures`, fills it
  // on a match.
  Confirm match(std::string_view subject, ConfirmScratch& scratch,
                Captures* captures = nullptr) const;

  int capture_groups() const { return capture_groups_; }
  bool jit() const { return jit_; }

 private:
  Confirmer() = default;
  pcre2_real_code_8* code_ = nullptr;
  int capture_groups_ = 0;
  bool jit_ = false;
};

}  // namespace centinela::pattern
