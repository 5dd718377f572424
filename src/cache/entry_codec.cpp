#include "cache/entry_codec.h"

#include <zlib.h>

#include <cstdint>

#include "cache/entry_checks.h"

namespace centinela::cache {
namespace {

constexpr std::string_view kMagic = "CNC";
constexpr std::size_t kHeaderBytes = 4;  // magic + version
constexpr std::size_t kCrcBytes = 4;
// Far above any real entry; below it, a length is still checked against the
// bytes that remain before anything is allocated.
constexpr std::uint32_t kMaxFieldBytes = 64u << 20;
constexpr std::uint32_t kMaxListItems = 4096;

enum Flag : std::uint8_t {
  kMustRevalidate = 1 << 0,
  kNoCache = 1 << 1,
  kImmutable = 1 << 2,
};

std::uint32_t crc_of(std::string_view bytes) {
  // zlib's crc32 takes a uInt length: feed large inputs in pieces.
  uLong crc = ::crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    std::size_t piece = std::min<std::size_t>(bytes.size(), 1u << 30);
    crc = ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(piece));
    bytes.remove_prefix(piece);
  }
  return static_cast<std::uint32_t>(crc);
}

// --- Writing -----------------------------------------------------------------

template <typename Unsigned>
void put_uint(std::string& out, Unsigned value) {
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(value >> (8 * i))));
  }
}

void put_int64(std::string& out, std::int64_t value) {
  put_uint<std::uint64_t>(out, static_cast<std::uint64_t>(value));
}

void put_string(std::string& out, std::string_view text) {
  put_uint<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

void put_list(std::string& out, const std::vector<std::string>& items) {
  put_uint<std::uint32_t>(out, static_cast<std::uint32_t>(items.size()));
  for (const std::string& item : items) put_string(out, item);
}

std::size_t list_bytes(const std::vector<std::string>& items) {
  std::size_t bytes = 4;
  for (const std::string& item : items) bytes += 4 + item.size();
  return bytes;
}

// --- Reading -----------------------------------------------------------------

// Reads from the bytes between the header and the checksum. Every read checks
// what remains first; the first failure sticks and names the reason.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  bool ok() const { return error_ == nullptr; }
  const char* error() const { return error_; }
  bool at_end() const { return rest_.empty(); }

  template <typename Unsigned>
  Unsigned uint() {
    if (!take(sizeof(Unsigned))) return 0;
    Unsigned value = 0;
    for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
      value |= static_cast<Unsigned>(static_cast<std::uint8_t>(taken_[i])) << (8 * i);
    }
    return value;
  }

  std::int64_t int64() { return static_cast<std::int64_t>(uint<std::uint64_t>()); }

  void string(std::string& out) {
    std::uint32_t length = uint<std::uint32_t>();
    if (!ok()) return;
    if (length > kMaxFieldBytes) {
      fail("field too large");
      return;
    }
    if (!take(length)) return;
    out.assign(taken_.data(), taken_.size());
  }

  void list(std::vector<std::string>& out) {
    std::uint32_t count = uint<std::uint32_t>();
    if (!ok()) return;
    // Each item takes at least its 4-byte length: a count the remaining bytes
    // cannot hold is corrupt, and is refused before reserving anything.
    if (count > kMaxListItems) {
      fail("list too long");
      return;
    }
    if (count > rest_.size() / 4) {
      fail("truncated");
      return;
    }
    out.reserve(count);
    for (std::uint32_t i = 0; i < count && ok(); ++i) string(out.emplace_back());
  }

 private:
  bool take(std::size_t bytes) {
    if (!ok()) return false;
    if (bytes > rest_.size()) {
      fail("truncated");
      return false;
    }
    taken_ = rest_.substr(0, bytes);
    rest_.remove_prefix(bytes);
    return true;
  }
  void fail(const char* reason) {
    if (error_ == nullptr) error_ = reason;
  }

  std::string_view rest_;
  std::string_view taken_;
  const char* error_ = nullptr;
};

}  // namespace

void encode_entry(const CacheEntry& entry, std::string& out) {
  std::size_t size = kHeaderBytes + kCrcBytes + 2 + 7 * 8 + 1;
  for (const std::string* text : {&entry.key, &entry.host, &entry.path_and_query, &entry.user,
                                  &entry.header_lines, &entry.etag, &entry.last_modified,
                                  &entry.content_type, &entry.content_encoding, &entry.content}) {
    size += 4 + text->size();
  }
  size += list_bytes(entry.tags) + list_bytes(entry.vary_names) + list_bytes(entry.vary_values);

  out.clear();
  out.reserve(size);
  out.append(kMagic);
  out.push_back(static_cast<char>(kEntryFormatVersion));
  put_string(out, entry.key);
  put_string(out, entry.host);
  put_string(out, entry.path_and_query);
  put_string(out, entry.user);
  put_list(out, entry.tags);
  put_list(out, entry.vary_names);
  put_list(out, entry.vary_values);
  put_uint<std::uint16_t>(out, entry.status_code);
  put_string(out, entry.header_lines);
  put_string(out, entry.etag);
  put_string(out, entry.last_modified);
  put_string(out, entry.content_type);
  put_string(out, entry.content_encoding);
  put_string(out, entry.content);
  put_int64(out, entry.request_time);
  put_int64(out, entry.response_time);
  put_int64(out, entry.date_value);
  put_int64(out, entry.age_value);
  put_int64(out, entry.freshness_lifetime);
  put_int64(out, entry.stale_while_revalidate);
  put_int64(out, entry.stale_if_error);
  std::uint8_t flags = (entry.must_revalidate ? kMustRevalidate : 0) |
                       (entry.no_cache ? kNoCache : 0) | (entry.immutable ? kImmutable : 0);
  put_uint<std::uint8_t>(out, flags);
  put_uint<std::uint32_t>(out, crc_of(out));
}

std::shared_ptr<CacheEntry> decode_entry(std::string_view bytes, std::int64_t now,
                                         std::string& error) {
  error.clear();
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    error = "bad magic";
    return nullptr;
  }
  if (bytes.size() < kHeaderBytes) {
    error = "truncated";
    return nullptr;
  }
  auto version = static_cast<unsigned char>(bytes[kMagic.size()]);
  if (version != kEntryFormatVersion) {
    error = "unknown version " + std::to_string(version);
    return nullptr;
  }
  if (bytes.size() < kHeaderBytes + kCrcBytes) {
    error = "truncated";
    return nullptr;
  }
  // The checksum first: a corrupted value is refused before any of its
  // lengths is believed.
  std::string_view covered = bytes.substr(0, bytes.size() - kCrcBytes);
  Reader crc_reader(bytes.substr(covered.size()));
  if (crc_reader.uint<std::uint32_t>() != crc_of(covered)) {
    error = "checksum mismatch";
    return nullptr;
  }

  auto entry = std::make_shared<CacheEntry>();
  Reader in(covered.substr(kHeaderBytes));
  in.string(entry->key);
  in.string(entry->host);
  in.string(entry->path_and_query);
  in.string(entry->user);
  in.list(entry->tags);
  in.list(entry->vary_names);
  in.list(entry->vary_values);
  entry->status_code = in.uint<std::uint16_t>();
  in.string(entry->header_lines);
  in.string(entry->etag);
  in.string(entry->last_modified);
  in.string(entry->content_type);
  in.string(entry->content_encoding);
  in.string(entry->content);
  entry->request_time = in.int64();
  entry->response_time = in.int64();
  entry->date_value = in.int64();
  entry->age_value = in.int64();
  entry->freshness_lifetime = in.int64();
  entry->stale_while_revalidate = in.int64();
  entry->stale_if_error = in.int64();
  auto flags = in.uint<std::uint8_t>();
  if (!in.ok()) {
    error = in.error();
    return nullptr;
  }
  if (!in.at_end()) {
    error = "trailing bytes";
    return nullptr;
  }
  if (flags & ~(kMustRevalidate | kNoCache | kImmutable)) {
    error = "unknown flags";
    return nullptr;
  }
  entry->must_revalidate = (flags & kMustRevalidate) != 0;
  entry->no_cache = (flags & kNoCache) != 0;
  entry->immutable = (flags & kImmutable) != 0;
  if (const char* problem = entry_problem(*entry, now)) {
    error = problem;
    return nullptr;
  }
  return entry;
}

}  // namespace centinela::cache
