// How much memory an encoder asks for. The codecs allocate with malloc and
// calloc; the test binary interposes both (glibc) and counts while a
// CountAllocations is alive on this thread.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "compress/encoder.h"

extern "C" void* __libc_malloc(std::size_t size);
extern "C" void* __libc_calloc(std::size_t count, std::size_t size);

namespace {

struct Counts {
  bool on = false;
  std::size_t bytes = 0;    // total asked for
  std::size_t largest = 0;  // largest single request
};
thread_local Counts counts;

void count(std::size_t size) {
  if (!counts.on) return;
  counts.bytes += size;
  if (size > counts.largest) counts.largest = size;
}

}  // namespace

extern "C" void* malloc(std::size_t size) {
  count(size);
  return __libc_malloc(size);
}

extern "C" void* calloc(std::size_t count_of, std::size_t size) {
  count(count_of * size);
  return __libc_calloc(count_of, size);
}

namespace centinela::compress {
namespace {

class CountAllocations {
 public:
  CountAllocations() { counts = Counts{true, 0, 0}; }
  ~CountAllocations() { counts.on = false; }
  std::size_t bytes() const { return counts.bytes; }
  std::size_t largest() const { return counts.largest; }
};

std::string small_json() {
  return R"({"id":1234,"name":"alice","email":"alice@example.com","roles":["admin","dev"]})"
         R"({"id":1235,"name":"bob"})";
}

class Allocation : public ::testing::TestWithParam<Coding> {};

INSTANTIATE_TEST_SUITE_P(Codings, Allocation,
                         ::testing::Values(Coding::gzip, Coding::br, Coding::zstd),
                         [](const auto& info) { return std::string(coding_token(info.param)); });

TEST_P(Allocation, ASmallBodyCostsLittleMemory) {
  std::string body = small_json();
  ASSERT_LE(body.size(), 120u);
  std::string out;
  out.reserve(1024);
  std::size_t bytes = 0;
  {
    CountAllocations counting;
    ASSERT_TRUE(compress_all(GetParam(), body, out));
    bytes = counting.bytes();
  }
  RecordProperty("bytes", static_cast<int>(bytes));
  // gzip and zstd size their windows and tables to the body (about 14 KiB and
  // 30 KiB). brotli's hash table for qualities 2-9 has a fixed size (512 KiB
  // at quality 4), of which a one-shot call clears only the buckets it uses.
  std::size_t limit = GetParam() == Coding::br ? 1024 * 1024 : 64 * 1024;
  EXPECT_LT(bytes, limit);
}

TEST_P(Allocation, StreamingWithUnknownSizeStaysUnderFourMebibytes) {
  std::string chunk(64 * 1024, 'x');
  for (std::size_t i = 0; i < chunk.size(); i += 7) chunk[i] = static_cast<char>('a' + i % 26);
  std::string out;
  out.reserve(1 << 20);
  std::size_t bytes = 0;
  {
    CountAllocations counting;
    auto encoder = make_encoder(GetParam());
    ASSERT_TRUE(encoder);
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(encoder->write(chunk, out));
    ASSERT_TRUE(encoder->finish(out));
    bytes = counting.bytes();
  }
  RecordProperty("bytes", static_cast<int>(bytes));
  // Windows capped for streams of unknown length: gzip 32 KiB (about 256 KiB
  // of state), brotli 512 KiB (about 3.4 MiB), zstd 1 MiB (about 2.6 MiB).
  EXPECT_LT(bytes, 4u << 20);
}

}  // namespace
}  // namespace centinela::compress
