#include "limit/redis_batch.h"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "limit/redis_limiter.h"
#include "proxy/worker_resources.h"
#include "redis/client.h"
#include "redis/reply.h"

namespace centinela::limit {
namespace {

namespace asio = boost::asio;
using Result = std::optional<std::vector<Decision>>;
using Handler = asio::any_completion_handler<void(Result)>;

class Batch;

// A worker's batching state, owned by its io_context (an Asio service), so it
// lives exactly as long as the loop whose turns it batches (a thread_local
// could outlive an io_context and be found by the next one).
class BatchService final : public asio::execution_context::service {
 public:
  // NOLINTNEXTLINE(readability-identifier-naming): the name Asio looks up.
  static inline asio::execution_context::id id;

  explicit BatchService(asio::execution_context& context)
      : asio::execution_context::service(context) {}

  Batch* open = nullptr;  // this turn's batch, still taking decisions

 private:
  // The batches live in their leaders' frames, which the loop destroys.
  void shutdown() override {}
};

// The decisions of one batch. Lives in its leader's coroutine frame, so it
// goes away with the leader whatever happens; the requests waiting on it hold
// only their completion handler (destroyed with it if the leader's frame is
// destroyed without finishing, as when the io_context is torn down).
class Batch {
 public:
  Batch(BatchService& service, const proxy::WorkerResources& worker)
      : service_(service), worker_(&worker) {
    keys_.reserve(16);
    args_.reserve(16 * 6);
    members_.reserve(16);
    service_.open = this;
  }
  ~Batch() { close(); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  bool accepts(const proxy::WorkerResources& worker) const {
    return worker_ == &worker && members_.size() < kMaxRedisBatchRequests;
  }

  // Queues one request's decision; returns its place in the batch.
  std::size_t add(std::vector<std::string>& keys, std::span<const Policy* const> policies) {
    for (std::string& key : keys) keys_.push_back(std::move(key));
    append_redis_script_args(args_, policies);
    members_.push_back(Member{policies.size(), std::nullopt});
    return members_.size() - 1;
  }

  void wait(std::size_t index, Handler handler) {
    members_[index].handler.emplace(std::move(handler));
  }

  // Takes no more decisions: the next request starts a new batch.
  void close() {
    if (service_.open == this) service_.open = nullptr;
  }

  asio::awaitable<std::optional<redis::Reply>> send(redis::Client& client) {
    return client.eval(redis_script(), std::move(keys_), std::move(args_));
  }

  // Hands every waiting request its result (on `executor`, outside this call
  // stack) and returns the leader's (the first member's).
  template <typename Executor>
  Result deliver(std::optional<redis::Reply>& reply, const Executor& executor) {
    const bool usable = reply && reply->type == redis::Reply::Type::array &&
                        reply->elements.size() == members_.size();
    Result leader;
    for (std::size_t i = 0; i < members_.size(); ++i) {
      Result result;
      if (usable) result = parse_redis_reply(reply->elements[i], members_[i].policy_count);
      if (i == 0) {
        leader = std::move(result);
      } else if (members_[i].handler) {
        asio::post(executor,
                   asio::append(Handler(std::move(*members_[i].handler)), std::move(result)));
      }
    }
    return leader;
  }

 private:
  struct Member {
    std::size_t policy_count;
    // Empty for the leader. Optional because Boost 1.81's move assignment of
    // any_completion_handler recurses without end: it is only constructed.
    std::optional<Handler> handler;
  };

  BatchService& service_;
  const proxy::WorkerResources* worker_;
  std::vector<std::string> keys_;
  std::vector<std::string> args_;
  std::vector<Member> members_;
};

}  // namespace

asio::awaitable<Result> redis_decide_batched(const proxy::WorkerResources& worker,
                                             std::vector<std::string> keys,
                                             std::span<const Policy* const> policies) {
  if (worker.io == nullptr) {
    redis::Client* client = worker.redis;
    if (client == nullptr) co_return std::nullopt;
    co_return co_await redis_decide(*client, std::move(keys), policies);
  }
  BatchService& service = asio::use_service<BatchService>(*worker.io);
  if (Batch* open = service.open; open != nullptr && open->accepts(worker)) {
    const std::size_t index = open->add(keys, policies);
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Result)>(
        [open, index](auto handler) { open->wait(index, Handler(std::move(handler))); },
        asio::use_awaitable);
  }
  Batch batch(service, worker);
  batch.add(keys, policies);
  const auto executor = co_await asio::this_coro::executor;
  // Behind every handler already queued: the rest of this turn's requests
  // join the batch meanwhile.
  co_await asio::post(executor, asio::use_awaitable);
  batch.close();
  // Read now, not before the wait: a reload may have replaced the client.
  std::optional<redis::Reply> reply;
  if (redis::Client* client = worker.redis; client != nullptr) {
    reply = co_await batch.send(*client);
  }
  co_return batch.deliver(reply, executor);
}

}  // namespace centinela::limit
