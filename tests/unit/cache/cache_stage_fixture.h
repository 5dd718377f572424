// The cache stage driven in memory: a route's chain with the cache stage, the
// in-memory exchange (tests/support/fake_exchange.h), a clock that moves only
// when told, and background requests recorded to be run when the test says.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cache/cache_stage.h"
#include "cache/clock.h"
#include "cache/coalescer.h"
#include "cache/memory_store.h"
#include "fake_exchange.h"
#include "observe/metrics.h"
#include "pipeline/run.h"
#include "stage/background.h"

namespace centinela::cache::testing {

using centinela::testing::ClientView;
using centinela::testing::FakeDownstream;
using centinela::testing::FakeRequest;
using centinela::testing::FakeUpstream;
using centinela::testing::ScriptedResponse;
using centinela::testing::UpstreamView;
using Fields = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::int64_t kStart = 1'780'272'000;  // Mon, 01 Jun 2026 00:00:00 GMT

// Background requests as the protocol layer would start them, kept until the
// test runs them.
class RecordedBackground final : public stage::BackgroundRequests {
 public:
  struct Job {
    stage::RequestHead head;
    stage::Stage* stage = nullptr;
    std::function<void(stage::RequestContext&)> prepare;
  };
  void start(const stage::RequestContext& from, stage::RequestHead head, stage::Stage& stage,
             std::function<void(stage::RequestContext&)> prepare) override {
    jobs.push_back(Job{std::move(head), &stage, std::move(prepare)});
  }
  std::vector<Job> jobs;
};

// Lends a chain's stage to a pipeline of its own (a background request runs
// the same stage object, keeping its state slot).
class BorrowedStage final : public stage::Stage {
 public:
  explicit BorrowedStage(stage::Stage& inner) : inner_(inner) {}
  std::string_view name() const override { return inner_.name(); }
  bool is_async() const override { return inner_.is_async(); }
  stage::RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    return inner_.on_request_head(ctx);
  }
  boost::asio::awaitable<stage::RequestVerdict> on_request_head_async(
      stage::RequestContext& ctx) override {
    return inner_.on_request_head_async(ctx);
  }
  stage::ResponseVerdict on_response_head(stage::RequestContext& ctx,
                                          stage::Response& response) override {
    return inner_.on_response_head(ctx, response);
  }
  void on_response_body(stage::RequestContext& ctx, stage::BodyPiece& piece) override {
    inner_.on_response_body(ctx, piece);
  }
  void on_finish(stage::RequestContext& ctx, bool complete) override {
    inner_.on_finish(ctx, complete);
  }

 private:
  stage::Stage& inner_;
};

// Holds the first request it is asked to forward until open() (a fetch in
// flight while other requests arrive); later ones pass at once.
class GatedUpstream final : public stage::Upstream {
 public:
  explicit GatedUpstream(FakeUpstream& inner) : inner_(inner) {}
  boost::asio::awaitable<stage::ForwardResult> forward(stage::RequestContext& ctx,
                                                       stage::RequestBody& body,
                                                       stage::ResponseSink& sink) override;
  void open();
  bool held() const { return gate_ != nullptr; }

 private:
  FakeUpstream& inner_;
  bool used_ = false;
  boost::asio::steady_timer* gate_ = nullptr;
  bool opened_ = false;
};

// What one exchange left behind.
struct Exchanged {
  ClientView client;
  std::string cache_status;  // ctx.cache_status, for the access log
  bool complete = false;
};

class CacheStageTest : public ::testing::Test {
 protected:
  CacheStageTest();

  // (Re)builds the chain: `before` stages run before the cache in request
  // order (after it in response order), as compression does.
  void build(std::function<void(config::RouteConfig&)> adjust = {},
             std::vector<std::unique_ptr<stage::Stage>> before = {});

  // Runs one request through the chain against upstream_.
  Exchanged send(std::string_view method, std::string_view target, Fields fields = {},
                 std::function<void(stage::RequestContext&)> before_run = {});
  Exchanged get(std::string_view target, Fields fields = {}) { return send("GET", target, fields); }

  // Runs recorded background job `index` (through the cache stage alone,
  // into a downstream that discards), against `upstream`.
  ClientView run_background(std::size_t index, FakeUpstream& upstream);

  // Runs `a` and `b` at once on one io_context: `a` reaches upstream_ first
  // and is held there until `b` has done what it does before it would wait.
  std::pair<Exchanged, Exchanged> concurrently(FakeRequest& a, FakeRequest& b);

  // The upstream answers "<prefix>-<n>" (n counts its answers from 1) with
  // `fields` and `status`.
  void answer(std::string prefix, Fields fields, unsigned status = 200);

  std::uint64_t counted(std::string_view result) const;
  std::size_t upstream_requests() const { return upstream_.received.size(); }
  const UpstreamView& last_upstream_request() const { return upstream_.received.back(); }

  ManualClock clock_{kStart};
  MemoryStore l1_{64 << 20};
  Coalescer coalescer_;
  CacheServices services_;
  config::Config config_;
  config::RouteConfig route_;
  pipeline::Chain chain_;
  CacheStage* stage_ = nullptr;
  FakeUpstream upstream_;
  RecordedBackground background_;
};

// --- implementation -----------------------------------------------------

inline boost::asio::awaitable<stage::ForwardResult> GatedUpstream::forward(
    stage::RequestContext& ctx, stage::RequestBody& body, stage::ResponseSink& sink) {
  if (!used_ && !opened_) {
    used_ = true;
    boost::asio::steady_timer gate(co_await boost::asio::this_coro::executor,
                                   boost::asio::steady_timer::time_point::max());
    gate_ = &gate;
    co_await gate.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    gate_ = nullptr;
  }
  co_return co_await inner_.forward(ctx, body, sink);
}

inline void GatedUpstream::open() {
  opened_ = true;
  if (gate_ != nullptr) gate_->cancel();
}

inline CacheStageTest::CacheStageTest() {
  services_.l1 = &l1_;
  services_.coalescer = &coalescer_;
  services_.instance_id = "test-instance";
  services_.clock = &clock_;
  build();
}

inline void CacheStageTest::build(std::function<void(config::RouteConfig&)> adjust,
                                  std::vector<std::unique_ptr<stage::Stage>> before) {
  // Metrics are process-wide: a route name of its own per test.
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  route_ = config::RouteConfig{};
  route_.name = std::string(info->test_suite_name()) + "." + info->name();
  route_.cache.enabled = true;
  if (adjust) adjust(route_);
  auto stage = make_cache_stage(config_, route_, services_);
  ASSERT_NE(stage, nullptr);
  stage_ = static_cast<CacheStage*>(stage.get());
  before.push_back(std::move(stage));
  chain_ = pipeline::Chain(std::move(before));
}

inline Exchanged CacheStageTest::send(std::string_view method, std::string_view target,
                                      Fields fields,
                                      std::function<void(stage::RequestContext&)> before_run) {
  FakeRequest request(method, target, std::move(fields));
  request.ctx.background = &background_;
  if (before_run) before_run(request.ctx);
  FakeDownstream down;
  Exchanged out;
  out.complete = centinela::testing::run_pipeline(chain_, request, down, upstream_);
  out.client = down.client;
  out.cache_status = std::string(request.ctx.cache_status);
  return out;
}

inline ClientView CacheStageTest::run_background(std::size_t index, FakeUpstream& upstream) {
  RecordedBackground::Job& job = background_.jobs.at(index);
  Fields fields;
  for (const auto& field : job.head) {
    fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  FakeRequest request(std::string(job.head.method_string()), std::string(job.head.target()),
                      fields);
  job.prepare(request.ctx);
  std::vector<std::unique_ptr<stage::Stage>> alone;
  alone.push_back(std::make_unique<BorrowedStage>(*job.stage));
  pipeline::Chain chain(std::move(alone));
  FakeDownstream discard;
  centinela::testing::run_pipeline(chain, request, discard, upstream);
  return discard.client;
}

inline std::pair<Exchanged, Exchanged> CacheStageTest::concurrently(FakeRequest& a,
                                                                    FakeRequest& b) {
  namespace asio = boost::asio;
  GatedUpstream gated(upstream_);
  FakeDownstream down_a;
  FakeDownstream down_b;
  std::pair<Exchanged, Exchanged> out;
  std::exception_ptr failure;
  asio::io_context io;
  auto run = [&](FakeRequest& request, FakeDownstream& down, Exchanged& result) {
    request.ctx.background = &background_;
    asio::co_spawn(io, pipeline::run(chain_, request.ctx, down, gated),
                   [&result, &failure](std::exception_ptr e, bool complete) {
                     if (e) failure = e;
                     result.complete = complete;
                   });
  };
  run(a, down_a, out.first);
  run(b, down_b, out.second);
  // Runs after both have gone as far as they can without the upstream.
  asio::post(io, [&gated] { gated.open(); });
  io.run();
  if (failure) std::rethrow_exception(failure);
  out.first.client = down_a.client;
  out.first.cache_status = std::string(a.ctx.cache_status);
  out.second.client = down_b.client;
  out.second.cache_status = std::string(b.ctx.cache_status);
  return out;
}

inline void CacheStageTest::answer(std::string prefix, Fields fields, unsigned status) {
  auto count = std::make_shared<int>(0);
  upstream_.respond = [prefix, fields, status, count](const UpstreamView&) {
    ScriptedResponse response;
    response.status = status;
    response.fields = fields;
    response.pieces = {prefix + "-" + std::to_string(++*count)};
    return response;
  };
}

inline std::uint64_t CacheStageTest::counted(std::string_view result) const {
  return observe::Registry::global()
      .counter("centinela_cache_requests_total",
               "Requests on caching routes, by how the cache served them",
               {{"route", route_.name}, {"result", std::string(result)}})
      .value();
}

}  // namespace centinela::cache::testing
