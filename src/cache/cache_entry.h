// One stored response: what a hit replays, the facts RFC 9111 needs to judge
// its freshness, and what purge finds it by. Built once when a response is
// stored (or decoded from Redis), then shared read-only by every worker. To
// the other stages it is a stage::StoredResponse; its compressed bodies are
// stage::Variants, made once per coding and kept with it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compress/coding.h"
#include "stage/stored_response.h"

namespace centinela::cache {

struct CacheEntry final : stage::StoredResponse {
  CacheEntry() = default;
  ~CacheEntry() override;
  CacheEntry(const CacheEntry&) = delete;
  CacheEntry& operator=(const CacheEntry&) = delete;

  // --- What it is stored under --------------------------------------------
  std::string key;                // primary key (cache_key.h), without Vary
  std::string host;               // lower-case, no port
  std::string path_and_query;     // as keyed (query normalised): for purge by url/prefix
  std::string user;               // non-empty for a per-user (key: [user]) entry
  std::vector<std::string> tags;  // from Cache-Tags / Surrogate-Key
  // Vary: the request fields the response varies on (lower-case names) and
  // this entry's normalised request values for them, in the same order.
  std::vector<std::string> vary_names;
  std::vector<std::string> vary_values;

  // --- The response --------------------------------------------------------
  std::uint16_t status_code = 200;
  // End-to-end fields to replay, "Name: value\r\n" each: no hop-by-hop
  // fields, no framing (Content-Length, Transfer-Encoding), no Age or Date,
  // no Set-Cookie unless the route allows it, no Centinela-Cache-Control.
  // ETag, Last-Modified, Content-Type, Content-Encoding and Vary are kept in
  // the fields below instead (the hit writes them), so they are stored once.
  std::string header_lines;
  std::string etag;              // validator as received, empty when none
  std::string last_modified;     // validator as received, empty when none
  std::string content_type;      // for the compression decision
  std::string content_encoding;  // the origin's coding, empty for identity
  std::string content;           // the body as received from the origin

  // --- Freshness (RFC 9111 §4.2), whole seconds since the Unix epoch -------
  std::int64_t request_time = 0;             // when the request that fetched it was sent
  std::int64_t response_time = 0;            // when its response arrived
  std::int64_t date_value = 0;               // the Date field (response_time when absent)
  std::int64_t age_value = 0;                // the Age field received, 0 when absent
  std::int64_t freshness_lifetime = 0;       // seconds
  std::int64_t stale_while_revalidate = -1;  // seconds, -1: not allowed
  std::int64_t stale_if_error = -1;          // seconds, -1: not allowed
  bool must_revalidate = false;              // must-revalidate, proxy-revalidate or s-maxage
  bool no_cache = false;                     // stored, but every use needs revalidation
  bool immutable = false;

  // --- stage::StoredResponse ---------------------------------------------
  unsigned status() const override { return status_code; }
  // header_lines and the fields kept apart, as views of the entry.
  void add_fields(stage::ResponseFields& out) const override;
  std::string_view body() const override { return content; }
  // Whether the gateway may encode this body: the origin sent it without a
  // Content-Encoding and without Cache-Control: no-transform. Worked out
  // from the stored fields on first use, then remembered (hits ask it).
  bool transformable() const override;

  // --- Variants (compressed bodies), added lazily and at most once each ----
  // Ids are compress::Coding values. Lock-free: the first worker to compress
  // publishes with compare-exchange; a loser's copy is discarded. Owned by
  // the entry.
  const stage::Variant* variant(int id) const override;
  const stage::Variant* publish_variant(std::unique_ptr<stage::Variant> made) const override;
  // Bytes of the variants published so far.
  std::size_t encoded_bytes() const;
  // One bit per published variant: a change tells the cache to charge the
  // new bytes against `cache.memory`.
  unsigned variant_mask() const;

  // Bytes this entry holds (strings, vectors, variants, bookkeeping): what it
  // costs against `cache.memory`.
  std::size_t charge() const;

 private:
  mutable std::atomic<std::uint8_t> transformable_{0};  // 0 unknown, 1 no, 2 yes
  mutable std::array<std::atomic<const stage::Variant*>, compress::kCodingCount> variants_{};
};

using EntryPtr = std::shared_ptr<const CacheEntry>;

}  // namespace centinela::cache
