// The most recent slow requests (as log.slow_request classifies them), with
// their timing breakdown, for the dashboard. Each worker writes into its own
// small ring of fixed-size records (no allocation; its mutex is only ever
// contended by the admin thread reading), so the memory is bounded:
// workers × kPerWorker × sizeof(SlowRequest) ≈ 12 KiB per worker.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "observe/origin_timing.h"

namespace centinela::observe {

// One of the origin's Server-Timing metrics of a slow request.
struct SlowOriginTiming {
  std::array<char, 24> name{};  // empty: unused
  float dur_ms = 0;
};

// Fields are truncated copies: a record outlives the request.
struct SlowRequest {
  std::int64_t unix_ms = 0;
  std::array<char, 64> request_id{};
  std::array<char, 48> route{};
  std::array<char, 8> method{};
  std::array<char, 96> path{};
  unsigned status = 0;
  float total_ms = 0;
  // -1: the request did not reach the upstream (or not that far).
  float gateway_ms = -1;     // before and around the upstream exchange (queue)
  float connect_ms = -1;     // connection taken from the pool or opened
  float first_byte_ms = -1;  // request sent → response head
  float transfer_ms = -1;    // response head → last byte
  // What the origin said the time went on (Server-Timing), longest first.
  std::array<SlowOriginTiming, 4> origin{};
};

// Builds a record from views (truncated to the arrays).
SlowRequest make_slow_request(std::int64_t unix_ms, std::string_view request_id,
                              std::string_view route, std::string_view method,
                              std::string_view path, unsigned status, double total_ms,
                              double connect_ms, double first_byte_ms, double upstream_total_ms,
                              std::span<const OriginTiming> origin = {});

class SlowRequests {
 public:
  static constexpr std::size_t kPerWorker = 32;

  explicit SlowRequests(unsigned slots);

  void record(const SlowRequest& request) noexcept;
  // The `limit` slowest of the recent ones, slowest first.
  std::vector<SlowRequest> slowest(std::size_t limit) const;

 private:
  struct alignas(64) Ring {
    mutable std::mutex mutex;
    std::array<SlowRequest, kPerWorker> entries{};
    std::size_t next = 0;
    std::size_t size = 0;
  };
  std::unique_ptr<Ring[]> rings_;
  unsigned slots_;
};

}  // namespace centinela::observe
