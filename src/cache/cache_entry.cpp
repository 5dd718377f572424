#include "cache/cache_entry.h"

#include <boost/beast/core/string.hpp>

#include "compress/negotiation.h"
#include "stage/response_fields.h"

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

}  // namespace

CacheEntry::~CacheEntry() {
  for (auto& slot : variants_) delete slot.load(std::memory_order_acquire);
}

const stage::Variant* CacheEntry::variant(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= variants_.size()) return nullptr;
  return variants_[static_cast<std::size_t>(id)].load(std::memory_order_acquire);
}

const stage::Variant* CacheEntry::publish_variant(std::unique_ptr<stage::Variant> made) const {
  if (!made || made->id < 0 || static_cast<std::size_t>(made->id) >= variants_.size()) {
    return nullptr;
  }
  const stage::Variant* expected = nullptr;
  // acq_rel: the winner's body is visible to every later acquire load; a
  // loser reads the winner's pointer with acquire semantics too.
  if (variants_[static_cast<std::size_t>(made->id)].compare_exchange_strong(
          expected, made.get(), std::memory_order_acq_rel, std::memory_order_acquire)) {
    return made.release();
  }
  return expected;  // `made` is freed here: another worker published first
}

std::size_t CacheEntry::encoded_bytes() const {
  std::size_t total = 0;
  for (const auto& slot : variants_) {
    const stage::Variant* made = slot.load(std::memory_order_acquire);
    if (made == nullptr) continue;
    total += sizeof(stage::Variant) + kPerAllocationBytes + heap_bytes(made->body) +
             heap_bytes(made->etag);
  }
  return total;
}

unsigned CacheEntry::variant_mask() const {
  unsigned mask = 0;
  for (std::size_t i = 0; i < variants_.size(); ++i) {
    if (variants_[i].load(std::memory_order_acquire) != nullptr) mask |= 1u << i;
  }
  return mask;
}

void CacheEntry::add_fields(stage::ResponseFields& out) const {
  out.add_lines(header_lines);
  if (!content_type.empty()) out.add_view("Content-Type", content_type);
  if (!last_modified.empty()) out.add_view("Last-Modified", last_modified);
  if (!etag.empty()) out.add_view("ETag", etag);
  if (!content_encoding.empty()) out.add_view("Content-Encoding", content_encoding);
  if (vary_names.empty()) return;
  if (vary_names.size() == 1) {
    out.add_view("Vary", vary_names.front());
    return;
  }
  // One Vary line, as received: joined once here, copied into the request's arena.
  thread_local std::string joined;
  joined.clear();
  for (const auto& name : vary_names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  out.add_view("Vary", out.concat({joined}));
}

std::size_t CacheEntry::charge() const {
  std::size_t total = sizeof(CacheEntry) + kEntryOverheadBytes;
  for (const std::string* s : {&key, &host, &path_and_query, &user, &header_lines, &etag,
                               &last_modified, &content_type, &content_encoding, &content}) {
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
