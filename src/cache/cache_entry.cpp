#include "cache/cache_entry.h"

#include <boost/beast/core/string.hpp>

#include "compress/negotiation.h"

namespace centinela::cache {
namespace {

// What the entry costs beyond its own fields, counted once per entry:
//   shared_ptr control block (make_shared: ~16 B; separate allocation: ~32 B
//   plus a malloc header), the store's index node and hash bucket for the
//   key (~64 B), its eviction-queue link and the per-entry counters S3-FIFO
//   keeps (~32 B), the tag / user index nodes purge walks (~48 B), and
//   malloc's rounding of the CacheEntry allocation itself (~16 B).
// Rounded up to 200 so the bound in `cache.memory` errs on the safe side.
constexpr std::size_t kEntryOverheadBytes = 200;

// malloc's header and rounding for each heap block (glibc: 8-16 B).
constexpr std::size_t kPerAllocationBytes = 16;

// Heap bytes a string owns; short strings live inside the object (SSO) and
// cost nothing beyond sizeof(std::string).
std::size_t heap_bytes(const std::string& s) {
  static const std::size_t kInlineCapacity = std::string().capacity();
  return s.capacity() > kInlineCapacity ? s.capacity() + 1 + kPerAllocationBytes : 0;
}

std::size_t heap_bytes(const std::vector<std::string>& v) {
  if (v.capacity() == 0) return 0;
  std::size_t total = v.capacity() * sizeof(std::string) + kPerAllocationBytes;
  for (const auto& s : v) total += heap_bytes(s);
  return total;
}

std::size_t index_of(compress::Coding coding) { return static_cast<std::size_t>(coding); }

}  // namespace

CacheEntry::~CacheEntry() {
  for (auto& slot : encoded_) delete slot.load(std::memory_order_acquire);
}

const EncodedBody* CacheEntry::encoded(compress::Coding coding) const {
  const std::size_t i = index_of(coding);
  if (i >= encoded_.size()) return nullptr;
  return encoded_[i].load(std::memory_order_acquire);
}

const EncodedBody* CacheEntry::publish_encoded(std::unique_ptr<EncodedBody> body) const {
  if (!body) return nullptr;
  const std::size_t i = index_of(body->coding);
  if (i >= encoded_.size()) return nullptr;
  const EncodedBody* expected = nullptr;
  // acq_rel: the winner's body is visible to every later acquire load; a
  // loser reads the winner's pointer with acquire semantics too.
  if (encoded_[i].compare_exchange_strong(expected, body.get(), std::memory_order_acq_rel,
                                          std::memory_order_acquire)) {
    return body.release();
  }
  return expected;  // `body` is freed here: another worker published first
}

std::size_t CacheEntry::encoded_bytes() const {
  std::size_t total = 0;
  for (const auto& slot : encoded_) {
    const EncodedBody* body = slot.load(std::memory_order_acquire);
    if (body == nullptr) continue;
    total +=
        sizeof(EncodedBody) + kPerAllocationBytes + heap_bytes(body->body) + heap_bytes(body->etag);
  }
  return total;
}

std::size_t CacheEntry::charge() const {
  std::size_t total = sizeof(CacheEntry) + kEntryOverheadBytes;
  for (const std::string* s : {&key, &host, &path_and_query, &user, &header_lines, &etag,
                               &last_modified, &content_type, &content_encoding, &body}) {
    total += heap_bytes(*s);
  }
  total += heap_bytes(tags) + heap_bytes(vary_names) + heap_bytes(vary_values);
  return total + encoded_bytes();
}

bool CacheEntry::transformable() const {
  std::uint8_t known = transformable_.load(std::memory_order_relaxed);
  if (known == 0) {
    bool no_transform = false;
    std::string_view lines = header_lines;
    constexpr std::string_view kName = "cache-control:";
    while (!lines.empty() && !no_transform) {
      const auto eol = lines.find("\r\n");
      const std::string_view line = lines.substr(0, eol);
      if (line.size() > kName.size() &&
          boost::beast::iequals(line.substr(0, kName.size()), kName)) {
        no_transform = compress::has_no_transform(line.substr(kName.size()));
      }
      if (eol == std::string_view::npos) break;
      lines.remove_prefix(eol + 2);
    }
    const bool identity =
        content_encoding.empty() || boost::beast::iequals(content_encoding, "identity");
    known = identity && !no_transform ? 2 : 1;
    // Racing first uses compute the same answer: a relaxed store is enough.
    transformable_.store(known, std::memory_order_relaxed);
  }
  return known == 2;
}

}  // namespace centinela::cache
