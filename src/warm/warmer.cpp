#include "warm/warmer.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/optional/optional.hpp>
#include <cctype>
#include <optional>

namespace centinela::warm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A response body that is counted and thrown away: warming only needs the
// gateway to have read it, the warmer never keeps it.
struct DiscardBody {
  using value_type = std::uint64_t;  // bytes received

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& bytes) : bytes_(bytes) {}
    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      const std::size_t size = asio::buffer_size(buffers);
      bytes_ += size;
      ec = {};
      return size;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& bytes_;
  };
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// RFC 9211: a response the cache forwarded carries "fwd=..." and, when it
// was stored, the "stored" parameter.
bool forwarded_without_storing(std::string_view cache_status) {
  if (cache_status.empty()) return false;
  const bool forwarded = cache_status.find("fwd=") != std::string_view::npos;
  const bool stored = cache_status.find("stored") != std::string_view::npos;
  return forwarded && !stored;
}

WarmResult classify(unsigned status, std::string_view x_cache, std::string_view cache_status) {
  if (status >= 400) return WarmResult::failed;
  const bool kept = iequals(x_cache, "HIT") || iequals(x_cache, "MISS") ||
                    iequals(x_cache, "STALE") || iequals(x_cache, "REVALIDATED");
  if (!kept || forwarded_without_storing(cache_status)) return WarmResult::not_cacheable;
  return WarmResult::cached;
}

struct Outcome {
  WarmResult result = WarmResult::failed;
  std::string why;  // for failures
};

// What the lanes share. Only the run's one thread touches it.
struct Run {
  const std::vector<WarmUrl>& urls;
  tcp::resolver::results_type addresses;
  std::string default_host;
  const WarmOptions& options;
  const ProgressCallback& progress;
  std::size_t next = 0;
  WarmSummary summary;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  void record(const WarmUrl& url, Outcome outcome) {
    ++summary.done;
    switch (outcome.result) {
      case WarmResult::cached:
        ++summary.cached;
        break;
      case WarmResult::not_cacheable:
        ++summary.not_cacheable;
        break;
      case WarmResult::failed:
        ++summary.failed;
        if (summary.failures.size() < kFailuresKept) {
          summary.failures.push_back(fmt::format("GET {}{}: {}", url.host.empty() ? "" : url.host,
                                                 url.target, outcome.why));
        }
        break;
    }
    summary.elapsed = std::chrono::steady_clock::now() - started;
    if (progress) progress(summary);
  }
};

// One connection, reused for the URLs it takes in turn.
class Lane {
 public:
  Lane(Run& run, asio::any_io_executor executor) : run_(run), stream_(executor) {}

  asio::awaitable<void> work() {
    while (run_.next < run_.urls.size()) {
      const WarmUrl& url = run_.urls[run_.next++];
      run_.record(url, co_await fetch(url));
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

 private:
  asio::awaitable<Outcome> fetch(const WarmUrl& url) {
    // A reused connection may have been closed by the gateway while idle:
    // such a failure before any response byte is retried once, afresh.
    const bool reused = connected_;
    Outcome outcome = co_await attempt(url);
    if (outcome.why == kStaleConnection) {
      if (reused) {
        outcome = co_await attempt(url);
      } else {
        outcome = Outcome{WarmResult::failed, "connection closed"};
      }
    }
    co_return outcome;
  }

  static constexpr std::string_view kStaleConnection = "stale connection";

  asio::awaitable<Outcome> attempt(const WarmUrl& url) {
    const bool reused = connected_;
    stream_.expires_after(run_.options.timeout);
    if (!connected_) {
      auto [ec, endpoint] = co_await stream_.async_connect(run_.addresses, use_tuple);
      if (ec) co_return failure(ec, "connect");
      connected_ = true;
    }
    http::request<http::empty_body> request{http::verb::get, url.target, 11};
    request.set(http::field::host, url.host.empty() ? run_.default_host : url.host);
    request.set(http::field::user_agent, run_.options.user_agent);
    request.keep_alive(true);
    auto [write_ec, written] = co_await http::async_write(stream_, request, use_tuple);
    if (write_ec) {
      if (reused) co_return stale();
      co_return failure(write_ec, "write");
    }
    http::response_parser<DiscardBody> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(boost::none);
    auto [read_ec, read] = co_await http::async_read(stream_, buffer_, parser, use_tuple);
    if (read_ec) {
      if (reused && read == 0 &&
          (read_ec == http::error::end_of_stream || read_ec == asio::error::connection_reset)) {
        co_return stale();
      }
      co_return failure(read_ec, "read");
    }
    const auto& response = parser.get();
    if (!response.keep_alive()) close();
    const unsigned status = response.result_int();
    Outcome outcome{classify(status, response["X-Cache"], response["Cache-Status"]), {}};
    if (outcome.result == WarmResult::failed) {
      outcome.why = fmt::format("{} {}", status, std::string_view(response.reason()));
    }
    co_return outcome;
  }

  Outcome stale() {
    close();
    return Outcome{WarmResult::failed, std::string(kStaleConnection)};
  }

  Outcome failure(const beast::error_code& ec, std::string_view step) {
    close();
    const bool timed_out = ec == beast::error::timeout;
    return Outcome{WarmResult::failed, timed_out ? fmt::format("timed out after {} ms (at {})",
                                                               run_.options.timeout.count(), step)
                                                 : fmt::format("{}: {}", step, ec.message())};
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    connected_ = false;
  }

  Run& run_;
  beast::tcp_stream stream_;
  // Bounded: Beast then fails a read with buffer_overflow instead of holding
  // an endless chunk line or trailer section (a head is at most 64 KiB).
  beast::flat_buffer buffer_{256 * 1024};
  bool connected_ = false;
};

}  // namespace

double WarmProgress::requests_per_second() const {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  return seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
}

config::Endpoint connect_address(const config::Endpoint& listen) {
  config::Endpoint address = listen;
  if (address.host == "0.0.0.0" || address.host.empty()) address.host = "127.0.0.1";
  if (address.host == "::") address.host = "::1";
  address.text = host_field(address);
  return address;
}

std::string host_field(const config::Endpoint& endpoint) {
  if (endpoint.host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", endpoint.host, endpoint.port);
  }
  return fmt::format("{}:{}", endpoint.host, endpoint.port);
}

Warmer::Warmer(WarmOptions options) : options_(std::move(options)) {}

void Warmer::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  if (running_ != nullptr) running_->stop();
}

WarmSummary Warmer::run(const config::Endpoint& gateway, const std::vector<WarmUrl>& urls,
                        std::size_t concurrency, const ProgressCallback& progress) {
  const config::Endpoint address = connect_address(gateway);
  Run run{urls, {}, host_field(address), options_, progress};
  run.summary.total = urls.size();
  // Declared after `run`: destroyed first, taking the lanes (which refer to
  // `run`) with it.
  asio::io_context io;
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) {
      run.summary.cancelled = true;
      return run.summary;
    }
    running_ = &io;
  }
  struct Unpublish {
    Warmer& warmer;
    ~Unpublish() {
      std::lock_guard lock(warmer.mutex_);
      warmer.running_ = nullptr;
    }
  } unpublish{*this};

  beast::error_code resolve_ec;
  tcp::resolver resolver(io);
  run.addresses = resolver.resolve(address.host, std::to_string(address.port),
                                   tcp::resolver::numeric_service, resolve_ec);
  if (resolve_ec) {
    // Nothing can be fetched: every URL fails for the same reason.
    for (const WarmUrl& url : urls) {
      run.record(url, Outcome{WarmResult::failed,
                              fmt::format("resolving {}: {}", address.host, resolve_ec.message())});
    }
    return run.summary;
  }

  // Each lane lives in its coroutine's frame, so it goes with `io`.
  const std::size_t lanes = std::min(std::max<std::size_t>(concurrency, 1), urls.size());
  for (std::size_t i = 0; i < lanes; ++i) {
    asio::co_spawn(
        io,
        [&run]() -> asio::awaitable<void> {
          Lane lane(run, co_await asio::this_coro::executor);
          co_await lane.work();
        },
        asio::detached);
  }
  io.run();
  {
    std::lock_guard lock(mutex_);
    run.summary.cancelled = cancelled_ && run.summary.done < run.summary.total;
  }
  run.summary.elapsed = std::chrono::steady_clock::now() - run.started;
  return run.summary;
}

}  // namespace centinela::warm
