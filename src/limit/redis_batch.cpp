#include "limit/redis_batch.h"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "redis/client.h"
#include "redis/reply.h"
#include "stage/request_context.h"

namespace centinela::limit {
namespace {

namespace asio = boost::asio;
// Asio allocates it with its per-thread recycling allocator: no malloc once
// warm.
using Handler = asio::any_completion_handler<void(bool)>;

class BatchService;

// The decisions of one batch: the script call being built, and who waits for
// which of its decisions. Owned by the coroutine that sends it, so it goes
// away with it whatever happens; destroying it destroys the waiting
// requests' handlers (as when the io_context is torn down).
class Batch {
 public:
  explicit Batch(BatchService& service) : service_(service) { members_.reserve(16); }
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void open(const stage::WorkerResources& worker);
  // Takes no more requests: the next one opens a new batch.
  void close();

  bool accepts(const stage::WorkerResources& worker) const {
    return worker_ == &worker && members_.size() < kMaxRedisBatchRequests;
  }

  // Queues one request's queries (copied now); returns its place.
  std::size_t add(std::span<const RedisQuery> queries, std::span<Decision> out) {
    members_.push_back(Member{out, call_.decisions(), std::nullopt});
    call_.add_request(queries);
    return members_.size() - 1;
  }

  void wait(std::size_t member, Handler handler) {
    members_[member].handler.emplace(std::move(handler));
  }

  // Closes the batch, sends it on the worker's client and hands every
  // waiting request its decisions (resumed on the loop, outside this call).
  asio::awaitable<void> send_and_deliver() {
    close();
    call_.seal();
    // Read now, not when the batch opened: a reload may have replaced the
    // client meanwhile.
    std::optional<redis::Reply> reply;
    if (redis::Client* client = worker_->redis; client != nullptr) {
      reply = co_await client->eval_encoded(redis_script(), call_.keys(), call_.args());
    }
    const bool usable = reply && is_redis_reply(*reply, call_.decisions());
    for (Member& member : members_) {
      if (!member.handler) continue;
      if (usable) read_redis_decisions(*reply, member.first, member.out);
      asio::post(*worker_->io, asio::append(Handler(std::move(*member.handler)), usable));
    }
  }

 private:
  struct Member {
    std::span<Decision> out;  // in the waiting request's frame
    std::size_t first;        // its first decision in the reply
    // Optional because Boost 1.81's move assignment of
    // any_completion_handler recurses without end: it is only constructed.
    std::optional<Handler> handler;
  };

  BatchService& service_;
  const stage::WorkerResources* worker_ = nullptr;
  RedisScriptCall call_;
  std::vector<Member> members_;
};

// A worker's batching state, owned by its io_context (an Asio service), so it
// lives exactly as long as the loop whose turns it batches (a thread_local
// could outlive an io_context and be found by the next one).
class BatchService final : public asio::execution_context::service {
 public:
  // NOLINTNEXTLINE(readability-identifier-naming): the name Asio looks up.
  static inline asio::execution_context::id id;

  explicit BatchService(asio::execution_context& context)
      : asio::execution_context::service(context) {}

  Batch* open = nullptr;  // this turn's batch, still taking requests

  // An empty batch, reusing a spent one's buffers when there is one.
  std::unique_ptr<Batch> take() {
    if (spare_.empty()) return std::make_unique<Batch>(*this);
    std::unique_ptr<Batch> batch = std::move(spare_.back());
    spare_.pop_back();
    return batch;
  }

  void give_back(std::unique_ptr<Batch> batch) {
    // As many as were in flight at once, up to a bound.
    if (spare_.size() < kMaxSpare) spare_.push_back(std::move(batch));
  }

 private:
  static constexpr std::size_t kMaxSpare = 16;
  // The batches in flight live in their senders' frames, which the loop
  // destroys; the spare ones go with the service.
  void shutdown() override {}

  std::vector<std::unique_ptr<Batch>> spare_;
};

Batch::~Batch() { close(); }

void Batch::open(const stage::WorkerResources& worker) {
  worker_ = &worker;
  call_.clear();
  members_.clear();
  service_.open = this;
}

void Batch::close() {
  if (service_.open == this) service_.open = nullptr;
}

asio::awaitable<void> send_batch(BatchService& service, std::unique_ptr<Batch> batch,
                                 asio::io_context& io) {
  // Behind every handler already queued: the rest of this turn's requests
  // join the batch meanwhile. (co_spawn itself starts the coroutine at once
  // when called from the loop's thread.) Then once more, behind the next poll
  // of the sockets: the requests that poll completes join too. Under load
  // that doubles the batch, halving Redis's per-call work; with nothing else
  // to do the loop polls at once (no waiting), so an idle gateway pays only
  // one non-blocking poll.
  for (int turn = 0; turn < kRedisBatchTurns; ++turn) {
    co_await asio::post(io, asio::use_awaitable);
  }
  co_await batch->send_and_deliver();
  service.give_back(std::move(batch));
}

}  // namespace

asio::awaitable<bool> redis_decide_batched(const stage::WorkerResources& worker,
                                           std::span<const RedisQuery> queries,
                                           std::span<Decision> out) {
  if (worker.io == nullptr) co_return false;
  BatchService& service = asio::use_service<BatchService>(*worker.io);
  if (service.open == nullptr || !service.open->accepts(worker)) {
    std::unique_ptr<Batch> fresh = service.take();
    fresh->open(worker);  // now service.open
    asio::co_spawn(*worker.io, send_batch(service, std::move(fresh), *worker.io), asio::detached);
  }
  // Owned by its sending coroutine, which does not resume before this call
  // has suspended below.
  Batch* batch = service.open;
  const std::size_t member = batch->add(queries, out);
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
      [batch, member](auto handler) { batch->wait(member, Handler(std::move(handler))); },
      asio::use_awaitable);
}

}  // namespace centinela::limit
