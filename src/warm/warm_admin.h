// The admin side of cache warming (wired into src/admin):
//   POST /admin/cache/warm  body {"urls": ["/a", "http://host/b", ...], "concurrency": N}
//        → start_warm(body, config): 202 {"accepted": N} and the URLs are warmed in
//          the background; 400 for a bad body; 409 while a warm is running.
//   GET  /admin/cache/warm  → 200 WarmJob::global().status_json():
//        {"running":bool,"done":N,"failed":N,"not_cacheable":N,"cached":N,"total":N}
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/config.h"
#include "warm/url_list.h"
#include "warm/warmer.h"

namespace centinela::warm {

// Bounds on what one admin request may ask for.
inline constexpr std::size_t kMaxBodyBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxUrlsPerRequest = 100'000;

struct WarmRequest {
  std::vector<WarmUrl> urls;
  std::size_t concurrency = kDefaultConcurrency;
};

// Parses the JSON body. Only the object {"urls": [strings], "concurrency":
// integer 1..kMaxConcurrency} is accepted ("concurrency" optional, no other
// keys, no duplicates); each URL as parse_warm_url takes it. On failure
// returns false with a message naming the problem (and the URL's index).
bool parse_warm_request(std::string_view json_body, WarmRequest& out, std::string& error);

// One background warm at a time, on a thread of its own.
class WarmJob {
 public:
  WarmJob() = default;
  ~WarmJob();  // cancels a running warm and waits for its thread
  WarmJob(const WarmJob&) = delete;
  WarmJob& operator=(const WarmJob&) = delete;

  // Starts warming `urls` through `gateway`; false when one is still running.
  bool start(const config::Endpoint& gateway, std::vector<WarmUrl> urls, std::size_t concurrency,
             WarmOptions options = {});
  // Stops the running warm (if any) and waits for it.
  void cancel();

  struct Status {
    bool running = false;
    std::size_t total = 0;
    std::size_t done = 0;
    std::size_t cached = 0;
    std::size_t not_cacheable = 0;
    std::size_t failed = 0;
  };
  // Lock-free: read from the job's atomics.
  Status status() const;
  std::string status_json() const;

  // The process's one job, used by the admin endpoint.
  static WarmJob& global();

 private:
  std::mutex mutex_;  // start/cancel
  std::thread thread_;
  std::unique_ptr<Warmer> warmer_;
  std::atomic<bool> running_{false};
  std::atomic<std::size_t> total_{0};
  std::atomic<std::size_t> done_{0};
  std::atomic<std::size_t> cached_{0};
  std::atomic<std::size_t> not_cacheable_{0};
  std::atomic<std::size_t> failed_{0};
};

struct WarmAdminAnswer {
  unsigned status = 200;
  std::string body;  // JSON; errors in the contract's {"error":{...}} envelope
};

// POST /admin/cache/warm: parses `body` and starts `job` against the first
// `server.listen` address of `config`.
WarmAdminAnswer start_warm(std::string_view body, const config::Config& config,
                           WarmJob& job = WarmJob::global());

// GET /admin/cache/warm.
WarmAdminAnswer warm_status(const WarmJob& job = WarmJob::global());

}  // namespace centinela::warm
