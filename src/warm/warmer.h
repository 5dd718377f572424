// Warming the cache: sending GET requests for a list of URLs THROUGH the
// running gateway (so they are cached exactly as a client's would be), a
// bounded number at a time, on an io_context of the Warmer's own.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "warm/url_list.h"

namespace boost::asio {
class io_context;
}

namespace centinela::warm {

inline constexpr std::size_t kDefaultConcurrency = 8;
inline constexpr std::size_t kMaxConcurrency = 256;

struct WarmOptions {
  std::chrono::milliseconds timeout = std::chrono::seconds(30);  // per request, connect included
  std::string user_agent = "centinela-warm";
};

// How one URL went.
enum class WarmResult {
  cached,         // answered < 400 with X-Cache HIT/MISS/STALE/REVALIDATED (and, when
                  // Cache-Status says it was forwarded, "stored")
  not_cacheable,  // answered < 400, but the gateway did not keep it (BYPASS, no X-Cache)
  failed,         // no answer (connect error, timeout, broken response) or status >= 400
};

struct WarmProgress {
  std::size_t total = 0;
  std::size_t done = 0;  // cached + not_cacheable + failed
  std::size_t cached = 0;
  std::size_t not_cacheable = 0;
  std::size_t failed = 0;
  std::chrono::steady_clock::duration elapsed{};
  double requests_per_second() const;
};

struct WarmSummary : WarmProgress {
  bool cancelled = false;
  // The first few failures, "GET /path: why", for the operator.
  std::vector<std::string> failures;
};

inline constexpr std::size_t kFailuresKept = 20;

// Called on the Warmer's thread after each URL completes.
using ProgressCallback = std::function<void(const WarmProgress&)>;

// The address to connect to for a `server.listen` endpoint: a wildcard
// (0.0.0.0, ::) becomes the loopback address of its family.
config::Endpoint connect_address(const config::Endpoint& listen);
// "host:port" for a Host field ("[v6]:port" for IPv6).
std::string host_field(const config::Endpoint& endpoint);

class Warmer {
 public:
  explicit Warmer(WarmOptions options = {});
  Warmer(const Warmer&) = delete;
  Warmer& operator=(const Warmer&) = delete;

  // Fetches every URL through `gateway` (a listen address; see
  // connect_address) with at most `concurrency` requests in flight, each on a
  // keep-alive connection of its own. Blocks until all are done or cancel().
  // Relative URLs are sent with Host: the gateway's address.
  WarmSummary run(const config::Endpoint& gateway, const std::vector<WarmUrl>& urls,
                  std::size_t concurrency, const ProgressCallback& progress = {});

  // Thread-safe: stops a run in progress (or the next one) as soon as it can;
  // URLs not yet fetched are not counted.
  void cancel();

 private:
  WarmOptions options_;
  std::mutex mutex_;
  boost::asio::io_context* running_ = nullptr;  // guarded by mutex_
  bool cancelled_ = false;                      // guarded by mutex_
};

}  // namespace centinela::warm
