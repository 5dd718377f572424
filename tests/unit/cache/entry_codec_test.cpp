#include "cache/entry_codec.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <functional>
#include <limits>
#include <new>
#include <random>

#include "allocation_counting.h"

// The decoder must never allocate more than its input can justify, whatever
// a length field claims: allocation_counting.h measures it.
namespace centinela::cache {
namespace {

// The time the tests decode at: just after sample_entry()'s response.
constexpr std::int64_t kNow = 1'700'000'100;

std::shared_ptr<CacheEntry> sample_entry() {
  auto entry = std::make_shared<CacheEntry>();
  entry->key = std::string("k\0ey\x01\xff", 6);
  entry->host = "example.com";
  entry->path_and_query = "/items?a=1&b=2";
  entry->user = "alice";
  entry->tags = {"product", "list", ""};
  entry->vary_names = {"accept-encoding", "accept-language"};
  entry->vary_values = {"gzip", "en"};
  entry->status_code = 203;
  entry->header_lines = "Cache-Control: max-age=3600\r\nX-Origin: caf\xc3\xa9\r\n";
  entry->etag = "\"v1\"";
  entry->last_modified = "Tue, 15 Nov 1994 12:45:26 GMT";
  entry->content_type = "application/octet-stream";
  entry->content_encoding = "gzip";
  entry->content = std::string("\0\r\n\0binary\xff\xfe", 13);
  entry->request_time = 1'700'000'000;
  entry->response_time = 1'700'000'001;
  entry->date_value = 1'699'999'999;
  entry->age_value = 7;
  entry->freshness_lifetime = 3600;
  entry->stale_while_revalidate = -1;
  entry->stale_if_error = 86400;
  entry->must_revalidate = true;
  entry->no_cache = false;
  entry->immutable = true;
  return entry;
}

void expect_same(const CacheEntry& a, const CacheEntry& b) {
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.path_and_query, b.path_and_query);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.vary_names, b.vary_names);
  EXPECT_EQ(a.vary_values, b.vary_values);
  EXPECT_EQ(a.status_code, b.status_code);
  EXPECT_EQ(a.header_lines, b.header_lines);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.last_modified, b.last_modified);
  EXPECT_EQ(a.content_type, b.content_type);
  EXPECT_EQ(a.content_encoding, b.content_encoding);
  EXPECT_EQ(a.content, b.content);
  EXPECT_EQ(a.request_time, b.request_time);
  EXPECT_EQ(a.response_time, b.response_time);
  EXPECT_EQ(a.date_value, b.date_value);
  EXPECT_EQ(a.age_value, b.age_value);
  EXPECT_EQ(a.freshness_lifetime, b.freshness_lifetime);
  EXPECT_EQ(a.stale_while_revalidate, b.stale_while_revalidate);
  EXPECT_EQ(a.stale_if_error, b.stale_if_error);
  EXPECT_EQ(a.must_revalidate, b.must_revalidate);
  EXPECT_EQ(a.no_cache, b.no_cache);
  EXPECT_EQ(a.immutable, b.immutable);
}

std::string encoded(const CacheEntry& entry) {
  std::string out;
  encode_entry(entry, out);
  return out;
}

// Replaces the trailing checksum with the right one for what precedes it, so
// a test reaches the field parsing with any content it likes.
std::string with_valid_crc(std::string bytes) {
  uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return bytes;
}

void put_u32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

TEST(EntryCodec, RoundTripsEveryField) {
  auto entry = sample_entry();
  std::string bytes = encoded(*entry);
  std::string error;
  auto decoded = decode_entry(bytes, kNow, error);
  ASSERT_TRUE(decoded) << error;
  EXPECT_TRUE(error.empty());
  expect_same(*entry, *decoded);
}

TEST(EntryCodec, RoundTripsAnEmptyEntry) {
  CacheEntry entry;
  std::string error;
  auto decoded = decode_entry(encoded(entry), kNow, error);
  ASSERT_TRUE(decoded) << error;
  expect_same(entry, *decoded);
}

TEST(EntryCodec, EncodingIsVersionedAndStable) {
  std::string bytes = encoded(*sample_entry());
  EXPECT_EQ(bytes.substr(0, 3), "CNC");
  EXPECT_EQ(static_cast<unsigned char>(bytes[3]), kEntryFormatVersion);
  EXPECT_EQ(bytes, encoded(*sample_entry()));
  std::string reused = "stale contents";
  encode_entry(*sample_entry(), reused);
  EXPECT_EQ(reused, bytes);
}

TEST(EntryCodec, NamesWhatIsWrong) {
  std::string bytes = encoded(*sample_entry());
  std::string error;

  EXPECT_FALSE(decode_entry("", kNow, error));
  EXPECT_EQ(error, "bad magic");
  EXPECT_FALSE(decode_entry("hello world, not an entry", kNow, error));
  EXPECT_EQ(error, "bad magic");

  std::string future = bytes;
  future[3] = 7;
  EXPECT_FALSE(decode_entry(future, kNow, error));
  EXPECT_EQ(error, "unknown version 7");

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  EXPECT_FALSE(decode_entry(flipped, kNow, error));
  EXPECT_EQ(error, "checksum mismatch");

  EXPECT_FALSE(decode_entry(std::string_view(bytes).substr(0, 6), kNow, error));
  EXPECT_EQ(error, "truncated");
}

TEST(EntryCodec, RejectsEveryTruncation) {
  std::string bytes = encoded(*sample_entry());
  std::string error;
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    error.clear();
    EXPECT_FALSE(decode_entry(std::string_view(bytes).substr(0, length), kNow, error)) << length;
    EXPECT_FALSE(error.empty()) << length;
  }
}

TEST(EntryCodec, RejectsEverySingleBitFlip) {
  std::string bytes = encoded(*sample_entry());
  std::string error;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string corrupted = bytes;
      corrupted[i] = static_cast<char>(corrupted[i] ^ (1 << bit));
      error.clear();
      EXPECT_FALSE(decode_entry(corrupted, kNow, error)) << "byte " << i << " bit " << bit;
      EXPECT_FALSE(error.empty());
    }
  }
}

TEST(EntryCodec, RejectsTrailingBytesEvenWithAValidChecksum) {
  std::string bytes = encoded(*sample_entry());
  std::string body = bytes.substr(0, bytes.size() - 4) + "extra";
  std::string error;
  EXPECT_FALSE(decode_entry(with_valid_crc(body), kNow, error));
  EXPECT_EQ(error, "trailing bytes");
}

// Each entry an origin response could never have made is refused, with the
// reason: what Redis hands back is checked before it is served.
TEST(EntryCodec, RefusesEntriesNoOriginResponseCouldHaveMade) {
  const std::vector<std::pair<std::string, std::function<void(CacheEntry&)>>> cases = {
      {"malformed header line",
       [](CacheEntry& e) { e.header_lines += "X-A: 1\nSet-Cookie: s\r\n"; }},
      {"malformed header line", [](CacheEntry& e) { e.header_lines += "X-A: 1\rX-B: 2\r\n"; }},
      {"malformed header line",
       [](CacheEntry& e) { e.header_lines += std::string("X-A: \0\r\n", 8); }},
      {"malformed header line", [](CacheEntry& e) { e.header_lines += "X-A: no end"; }},
      {"stored field the hit writes itself",
       [](CacheEntry& e) { e.header_lines += "content-length: 0\r\n"; }},
      {"stored field the hit writes itself",
       [](CacheEntry& e) { e.header_lines += "Transfer-Encoding: chunked\r\n"; }},
      {"control character in a field value", [](CacheEntry& e) { e.etag = "\"v\"\r\nX: 1"; }},
      {"control character in a field value",
       [](CacheEntry& e) { e.content_type = std::string("text/plain\0", 11); }},
      {"control character in a tag", [](CacheEntry& e) { e.tags.push_back("a\nb"); }},
      {"bad vary name", [](CacheEntry& e) { e.vary_names[0] = "Accept-Encoding"; }},
      {"vary names and values differ", [](CacheEntry& e) { e.vary_values.pop_back(); }},
      {"bad status", [](CacheEntry& e) { e.status_code = 101; }},
      {"bad status", [](CacheEntry& e) { e.status_code = 600; }},
      {"response time out of range",
       [](CacheEntry& e) { e.request_time = e.response_time = e.date_value = kNow + 3600; }},
      {"response time out of range",
       [](CacheEntry& e) { e.response_time = std::numeric_limits<std::int64_t>::min(); }},
      {"request time out of range", [](CacheEntry& e) { e.request_time = e.response_time + 1; }},
      {"date out of range",
       [](CacheEntry& e) { e.date_value = std::numeric_limits<std::int64_t>::min(); }},
      {"date out of range",
       [](CacheEntry& e) { e.date_value = e.response_time + 100ll * 31'556'952; }},
      {"age out of range", [](CacheEntry& e) { e.age_value = -1; }},
      {"lifetime out of range",
       [](CacheEntry& e) { e.freshness_lifetime = std::numeric_limits<std::int64_t>::max(); }},
      {"stale window out of range", [](CacheEntry& e) { e.stale_if_error = -2; }},
  };
  for (const auto& [reason, tamper] : cases) {
    auto entry = sample_entry();
    tamper(*entry);
    std::string error;
    EXPECT_FALSE(decode_entry(encoded(*entry), kNow, error)) << reason;
    EXPECT_EQ(error, reason);
  }
  // Within the bounds: a Date a day off, a response a minute ahead (another
  // instance's clock), obs-text in a value.
  auto entry = sample_entry();
  entry->date_value = entry->response_time - 86400;
  entry->request_time = entry->response_time = kNow + 60;
  std::string error;
  EXPECT_TRUE(decode_entry(encoded(*entry), kNow, error)) << error;
}

TEST(EntryCodec, HugeLengthsAreRefusedBeforeAllocating) {
  std::string error;
  for (std::uint32_t claimed : {0xffffffffu, 0x7fffffffu, 64u << 20, 1u << 20, 100u}) {
    std::string bytes = "CNC\x01";
    put_u32(bytes, claimed);  // the key's length
    bytes += "short";
    std::string valid = with_valid_crc(bytes);
    std::size_t largest_allocation = 0;
    std::shared_ptr<CacheEntry> decoded;
    {
      alloc_probe::CountAllocations scope;
      decoded = decode_entry(valid, kNow, error);
      largest_allocation = scope.largest();
    }
    EXPECT_FALSE(decoded) << claimed;
    EXPECT_TRUE(error == "truncated" || error == "field too large") << error;
    EXPECT_LT(largest_allocation, 1024u) << claimed;
  }
  // A list count far beyond what the remaining bytes could hold.
  for (std::uint32_t count : {0xffffffffu, 4096u, 4000u, 10u}) {
    std::string bytes = "CNC\x01";
    for (int i = 0; i < 4; ++i) put_u32(bytes, 0);  // key, host, path, user
    put_u32(bytes, count);                          // tags
    bytes += "abcd";
    std::string valid = with_valid_crc(bytes);
    std::size_t largest_allocation = 0;
    std::shared_ptr<CacheEntry> decoded;
    {
      alloc_probe::CountAllocations scope;
      decoded = decode_entry(valid, kNow, error);
      largest_allocation = scope.largest();
    }
    EXPECT_FALSE(decoded) << count;
    EXPECT_FALSE(error.empty());
    EXPECT_LT(largest_allocation, 1024u) << count;
  }
}

TEST(EntryCodec, RandomInputNeverCrashesNorOverAllocates) {
  std::mt19937_64 random(20240611);
  std::string sample = encoded(*sample_entry());
  std::string error;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes;
    std::size_t length = random() % 300;
    switch (round % 3) {
      case 0:  // pure noise
        for (std::size_t i = 0; i < length; ++i) bytes.push_back(static_cast<char>(random()));
        break;
      case 1:  // a valid header and checksum around noise: reaches the fields
        bytes = "CNC\x01";
        for (std::size_t i = 0; i < length; ++i) bytes.push_back(static_cast<char>(random()));
        bytes = with_valid_crc(bytes);
        break;
      default: {  // a real entry with a few bytes changed, checksum fixed up
        bytes = sample.substr(0, sample.size() - 4);
        for (int edits = 1 + random() % 4; edits > 0; --edits) {
          bytes[4 + random() % (bytes.size() - 4)] = static_cast<char>(random());
        }
        bytes = with_valid_crc(bytes);
        break;
      }
    }
    std::size_t largest_allocation = 0;
    std::shared_ptr<CacheEntry> decoded;
    {
      alloc_probe::CountAllocations scope;
      decoded = decode_entry(bytes, kNow, error);
      largest_allocation = scope.largest();
    }
    // The entry object itself, plus strings and lists no larger than the
    // bytes that carried them (a list slot costs at most 8x its 4 bytes).
    EXPECT_LE(largest_allocation, 8 * bytes.size() + 1024) << round;
    if (!decoded) {
      EXPECT_FALSE(error.empty());
    }
  }
}

}  // namespace
}  // namespace centinela::cache
