// What every fuzz target defines: libFuzzer's entry point. Built two ways
// (tests/fuzz/CMakeLists.txt): with clang's -fsanitize=fuzzer for real
// fuzzing (scripts/fuzz.sh), and with replay_main.cpp for ctest, which runs
// the seed corpus and deterministic mutations of it on any compiler.
//
// A target checks what must hold for every input and calls fuzz_check,
// which aborts (a finding, for either driver) when it does not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

inline void fuzz_check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}
