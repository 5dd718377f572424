// How a gather write is cut into what each SSL_write is given (one call, one
// record): small leading buffers join the next ones up to a record, unless
// that costs a copy without saving a record.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "net/stream.h"

namespace centinela::net {
namespace {

using stream_detail::gathered_size;
using stream_detail::kRecordSize;

std::vector<asio::const_buffer> buffers(std::initializer_list<std::size_t> sizes,
                                        const std::string& bytes) {
  std::vector<asio::const_buffer> out;
  for (const std::size_t size : sizes) out.push_back(asio::buffer(bytes.data(), size));
  return out;
}

class TlsRecordLayoutTest : public ::testing::Test {
 protected:
  std::string bytes_ = std::string(3 * kRecordSize, 'x');
};

TEST_F(TlsRecordLayoutTest, AHeadAndASmallBodyLeaveAsOneRecord) {
  EXPECT_EQ(gathered_size(buffers({300, 100}, bytes_)), 400u);
  EXPECT_EQ(gathered_size(buffers({300, kRecordSize - 300}, bytes_)), kRecordSize);
}

TEST_F(TlsRecordLayoutTest, AHeadBeforeAWholeRecordOfBodyGoesAloneAndTheBodyIsNotCopied) {
  // Two records either way: the head's own, then the body as it is.
  EXPECT_EQ(gathered_size(buffers({300, kRecordSize}, bytes_)), 300u);
  EXPECT_EQ(gathered_size(buffers({300, kRecordSize - 299}, bytes_)), 300u);
  // Empty buffers count for nothing.
  EXPECT_EQ(gathered_size(buffers({300, 0, kRecordSize, 0}, bytes_)), 300u);
}

TEST_F(TlsRecordLayoutTest, GatheringStaysWhenItSavesARecord) {
  // A chunked piece: size line, data, CRLF. Alone, the CRLF would be a third
  // record; gathered, the data and its framing take two.
  EXPECT_EQ(gathered_size(buffers({6, kRecordSize, 2}, bytes_)), kRecordSize);
  // Leading buffers over a record are gathered a record at a time.
  EXPECT_EQ(gathered_size(buffers({kRecordSize - 1, 10, kRecordSize}, bytes_)), kRecordSize);
}

TEST_F(TlsRecordLayoutTest, EveryByteGoesOnceWhateverTheCut) {
  // Whatever is gathered, the writes that follow take the rest: the sum of
  // the cuts is the whole (the layout never drops or repeats a byte).
  for (const auto& sizes : std::vector<std::vector<std::size_t>>{
           {300, kRecordSize}, {6, kRecordSize, 2}, {300, 100}, {1, 1, 1, 2 * kRecordSize}}) {
    std::vector<asio::const_buffer> rest;
    for (const std::size_t size : sizes) rest.push_back(asio::buffer(bytes_.data(), size));
    std::size_t total = 0;
    for (const std::size_t size : sizes) total += size;
    std::size_t written = 0;
    for (int calls = 0; !rest.empty() && calls < 16; ++calls) {
      const auto first = stream_detail::first_nonempty<asio::const_buffer>(rest);
      std::size_t n = first.size() >= kRecordSize ? first.size() : gathered_size(rest);
      ASSERT_GT(n, 0u);
      written += n;
      while (!rest.empty() && n >= rest.front().size()) {
        n -= rest.front().size();
        rest.erase(rest.begin());
      }
      if (!rest.empty()) rest.front() += n;
    }
    EXPECT_EQ(written, total);
  }
}

}  // namespace
}  // namespace centinela::net
