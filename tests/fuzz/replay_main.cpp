// The ctest driver of a fuzz target (no libFuzzer needed): runs every file of
// the corpus directory given as argv[1], then `argv[2]` (default 20000)
// deterministic mutations of them: byte flips, random bytes inserted,
// ranges deleted or repeated, splices of two seeds, truncations. The same
// sequence on every run, so a failure reproduces; on a crash the input that
// caused it is written to stderr in hex.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace {

struct Rng {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  std::uint64_t next() {  // xorshift64*
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dULL;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

using Bytes = std::string;

Bytes mutate(const std::vector<Bytes>& seeds, Rng& rng) {
  Bytes input = seeds[rng.below(seeds.size())];
  const std::size_t steps = 1 + rng.below(4);
  for (std::size_t step = 0; step < steps; ++step) {
    switch (rng.below(6)) {
      case 0:  // flip a byte
        if (!input.empty()) input[rng.below(input.size())] ^= static_cast<char>(1 + rng.below(255));
        break;
      case 1: {  // insert random bytes, often the interesting ones
        static constexpr char kSpecial[] = ",;=\"\\ \t\r\n.:[]{}-_0123456789eE+%\x00\xff";
        const std::size_t count = 1 + rng.below(8);
        const std::size_t at = rng.below(input.size() + 1);
        Bytes inserted;
        for (std::size_t i = 0; i < count; ++i) {
          inserted += rng.below(2) ? kSpecial[rng.below(sizeof kSpecial - 1)]
                                   : static_cast<char>(rng.below(256));
        }
        input.insert(at, inserted);
        break;
      }
      case 2:  // delete a range
        if (!input.empty()) {
          const std::size_t at = rng.below(input.size());
          input.erase(at, 1 + rng.below(input.size() - at));
        }
        break;
      case 3:  // repeat a range (long and deeply repeated inputs)
        if (!input.empty() && input.size() < 64 * 1024) {
          const std::size_t at = rng.below(input.size());
          const Bytes piece =
              input.substr(at, 1 + rng.below(std::min<std::size_t>(64, input.size() - at)));
          const std::size_t times = 1 + rng.below(rng.below(2) ? 8 : 512);
          Bytes repeated;
          for (std::size_t i = 0; i < times; ++i) repeated += piece;
          input.insert(at, repeated);
        }
        break;
      case 4: {  // splice with another seed
        const Bytes& other = seeds[rng.below(seeds.size())];
        input.resize(rng.below(input.size() + 1));
        input.append(other, rng.below(other.size() + 1));
        break;
      }
      default:  // truncate
        input.resize(rng.below(input.size() + 1));
        break;
    }
  }
  return input;
}

const Bytes* current = nullptr;  // the input being run, for the crash report

// Async-signal-safe: write(2) only.
void report_and_die(int signal_number) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr char kHeader[] = "\ncrashing input (hex):\n";
  (void)!::write(STDERR_FILENO, kHeader, sizeof kHeader - 1);
  if (current != nullptr) {
    char line[2];
    const std::size_t n = std::min<std::size_t>(current->size(), 16 * 1024);
    for (std::size_t i = 0; i < n; ++i) {
      const auto byte = static_cast<unsigned char>((*current)[i]);
      line[0] = kHex[byte >> 4];
      line[1] = kHex[byte & 0xf];
      (void)!::write(STDERR_FILENO, line, 2);
    }
  }
  (void)!::write(STDERR_FILENO, "\n", 1);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void run(const Bytes& input) {
  current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  current = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
    return 2;
  }
  for (int signal_number : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    ::signal(signal_number, report_and_die);
  }
  std::vector<Bytes> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (!entry.is_regular_file()) continue;
    std::ifstream file(entry.path(), std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seeds in %s\n", argv[1]);
    return 2;
  }
  std::sort(seeds.begin(), seeds.end());  // directory order varies
  const long mutations = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 20000;
  for (const Bytes& seed : seeds) run(seed);
  Rng rng;
  for (long i = 0; i < mutations; ++i) run(mutate(seeds, rng));
  std::printf("%zu seeds and %ld mutations ran clean\n", seeds.size(), mutations);
  return 0;
}
