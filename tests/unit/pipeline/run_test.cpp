// The pipeline's contract, driven in memory: the order stages see events in,
// that every response (upstream, local, stored, error) meets the same response
// stages, replacements, body buffering and transformation, and the end.
#include "pipeline/run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "fake_exchange.h"

namespace centinela::pipeline {
namespace {

using stage::RequestContext;
using stage::RequestVerdict;
using stage::Response;
using stage::ResponseVerdict;
using testing::FakeDownstream;
using testing::FakeRequest;
using testing::FakeUpstream;
using testing::ScriptedResponse;

// Records every event into a shared log, and answers as told.
class Probe : public stage::Stage {
 public:
  Probe(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  std::string_view name() const override { return name_; }

  RequestVerdict on_request_head(RequestContext& ctx) override {
    log_.push_back(name_ + ".request");
    if (respond_with) return RequestVerdict::respond(*respond_with);
    if (deliver_with) return RequestVerdict::deliver(*deliver_with);
    if (buffer_bound) return RequestVerdict::buffer_body(*buffer_bound);
    return RequestVerdict::proceed();
  }
  RequestVerdict on_request_body(RequestContext& ctx, std::string_view body,
                                 bool complete) override {
    log_.push_back(name_ + ".body:" + std::string(body) + (complete ? ":complete" : ":partial"));
    if (refuse_body) return RequestVerdict::respond(stage::make_error_response(403, "no", "id"));
    return RequestVerdict::proceed();
  }
  ResponseVerdict on_response_head(RequestContext& ctx, Response& response) override {
    log_.push_back(name_ + ".response:" + std::to_string(response.status));
    response.fields.add("X-Seen-By", name_);
    if (replace_with && (!replace_status || *replace_status == response.status)) {
      return ResponseVerdict::replace(*replace_with);
    }
    return ResponseVerdict::proceed();
  }
  void on_response_body(RequestContext& ctx, stage::BodyPiece& piece) override {
    log_.push_back(name_ + ".piece" + (piece.last ? ":last" : ""));
    if (break_at_piece && ++pieces_seen_ == *break_at_piece) {
      piece.broken = true;
      return;
    }
    if (uppercase) {
      out_.assign(piece.data);
      std::transform(out_.begin(), out_.end(), out_.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      piece.data = out_;
    }
  }
  void on_finish(RequestContext& ctx, bool complete) override {
    log_.push_back(name_ + ".finish:" + (complete ? "complete" : "broken"));
  }

  std::optional<stage::LocalResponse> respond_with;
  std::optional<stage::StoredAnswer> deliver_with;
  std::optional<std::size_t> buffer_bound;
  bool refuse_body = false;
  std::optional<stage::StoredAnswer> replace_with;
  std::optional<unsigned> replace_status;
  bool uppercase = false;
  std::optional<int> break_at_piece;  // this piece (1-based) cannot be transformed

 private:
  int pieces_seen_ = 0;
  std::string name_;
  std::vector<std::string>& log_;
  std::string out_;
};

class FixedStored final : public stage::StoredResponse {
 public:
  unsigned status() const override { return 200; }
  void add_fields(stage::ResponseFields& out) const override {
    out.add_view("Content-Type", "text/plain");
    out.add_view("ETag", "\"v1\"");
  }
  std::string_view body() const override { return "stored body"; }
  bool transformable() const override { return true; }
  const stage::Variant* variant(int) const override { return nullptr; }
  const stage::Variant* publish_variant(std::unique_ptr<stage::Variant> made) const override {
    kept_ = std::move(made);
    return kept_.get();
  }

 private:
  mutable std::unique_ptr<stage::Variant> kept_;
};

stage::StoredAnswer stored_answer(bool not_modified = false) {
  return stage::StoredAnswer{std::make_shared<FixedStored>(), not_modified};
}

class RunTest : public ::testing::Test {
 protected:
  // Builds a chain of probes named a, b, c (request order).
  Chain chain_of(std::initializer_list<const char*> names) {
    std::vector<std::unique_ptr<stage::Stage>> stages;
    probes_.clear();
    for (const char* name : names) {
      auto probe = std::make_unique<Probe>(name, log_);
      probes_.push_back(probe.get());
      stages.push_back(std::move(probe));
    }
    return Chain(std::move(stages));
  }
  Probe& probe(std::size_t i) { return *probes_.at(i); }

  std::vector<std::string> log_;
  std::vector<Probe*> probes_;
  FakeRequest request_{"GET", "/items?x=1"};
  FakeDownstream down_;
  FakeUpstream up_;
};

TEST_F(RunTest, RequestInChainOrderResponseInReverseAndEveryStageFinishes) {
  Chain chain = chain_of({"a", "b", "c"});
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_EQ(log_, (std::vector<std::string>{"a.request", "b.request", "c.request", "c.response:200",
                                            "b.response:200", "a.response:200", "c.piece:last",
                                            "b.piece:last", "a.piece:last", "a.finish:complete",
                                            "b.finish:complete", "c.finish:complete"}));
  EXPECT_EQ(down_.client.status, 200u);
  EXPECT_EQ(down_.client.body, "upstream body");
  EXPECT_EQ(down_.client.field("X-Request-ID"), "test-request-id");
  EXPECT_EQ(down_.client.count("X-Seen-By"), 3u);
  ASSERT_EQ(up_.received.size(), 1u);
  EXPECT_EQ(up_.received[0].target, "/items?x=1");
}

TEST_F(RunTest, LocalAnswerStopsTheRequestButMeetsEveryResponseStage) {
  Chain chain = chain_of({"a", "b", "c"});
  probe(1).respond_with = stage::make_error_response(429, "slow down", "test-request-id");
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_TRUE(up_.received.empty());
  EXPECT_EQ(log_, (std::vector<std::string>{"a.request", "b.request", "c.response:429",
                                            "b.response:429", "a.response:429", "c.piece:last",
                                            "b.piece:last", "a.piece:last", "a.finish:complete",
                                            "b.finish:complete", "c.finish:complete"}));
  EXPECT_EQ(down_.client.status, 429u);
  EXPECT_EQ(down_.client.field("Content-Type"), "application/json");
  EXPECT_EQ(down_.client.field("Date"), request_.ctx.http_date);
  EXPECT_NE(down_.client.body.find("RATE_LIMITED"), std::string::npos);
  EXPECT_EQ(down_.client.length, down_.client.body.size());
}

TEST_F(RunTest, StoredAnswerIsServedThroughTheResponseStages) {
  Chain chain = chain_of({"a", "b"});
  probe(1).deliver_with = stored_answer();
  probe(0).uppercase = true;
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_TRUE(up_.received.empty());
  EXPECT_EQ(down_.client.status, 200u);
  EXPECT_EQ(down_.client.field("ETag"), "\"v1\"");
  EXPECT_EQ(down_.client.body, "STORED BODY");
  EXPECT_EQ(down_.client.count("X-Seen-By"), 2u);
}

TEST_F(RunTest, NotModifiedAndHeadSendNoBodyButTheLength) {
  {
    Chain chain = chain_of({"a"});
    probe(0).deliver_with = stored_answer(/*not_modified=*/true);
    EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
    EXPECT_EQ(down_.client.status, 304u);
    EXPECT_FALSE(down_.client.sends_body);
    EXPECT_EQ(down_.client.body, "");
  }
  FakeRequest head_request("HEAD", "/");
  FakeDownstream down;
  Chain chain = chain_of({"a"});
  probe(0).deliver_with = stored_answer();
  EXPECT_TRUE(testing::run_pipeline(chain, head_request, down, up_));
  EXPECT_EQ(down.client.status, 200u);
  EXPECT_FALSE(down.client.sends_body);
  EXPECT_EQ(down.client.length, std::string_view("stored body").size());
  EXPECT_EQ(down.client.body, "");
}

TEST_F(RunTest, UpstreamFailureBecomesAnErrorThatStagesSeeAndMayReplace) {
  Chain chain = chain_of({"a", "b"});
  up_.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 502, "upstream failed"};
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_EQ(down_.client.status, 502u);
  EXPECT_NE(down_.client.body.find("BAD_GATEWAY"), std::string::npos);
  EXPECT_EQ(down_.client.count("X-Seen-By"), 2u);

  // A stage may answer the failure with a stored response (stale-if-error).
  log_.clear();
  FakeDownstream down;
  FakeRequest request("GET", "/");
  Chain replacing = chain_of({"a", "b"});
  probe(1).replace_with = stored_answer();
  probe(1).replace_status = 502;
  EXPECT_TRUE(testing::run_pipeline(replacing, request, down, up_));
  EXPECT_EQ(down.client.status, 200u);
  EXPECT_EQ(down.client.body, "stored body");
  // b replaced; only a saw the replacement.
  EXPECT_EQ(log_,
            (std::vector<std::string>{"a.request", "b.request", "b.response:502", "a.response:200",
                                      "a.piece:last", "a.finish:complete", "b.finish:complete"}));
}

TEST_F(RunTest, ReplacingTheUpstreamHeadDiscardsItsBody) {
  Chain chain = chain_of({"a", "b"});
  up_.respond = [](const testing::UpstreamView&) {
    return ScriptedResponse{304, {{"ETag", "\"v1\""}}, {}};
  };
  probe(1).replace_with = stored_answer();
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_EQ(up_.last_action, stage::ResponseSink::HeadAction::discard);
  EXPECT_EQ(down_.client.status, 200u);
  EXPECT_EQ(down_.client.body, "stored body");
}

TEST_F(RunTest, StaticLinesAndContextFieldsReplaceTheUpstreams) {
  std::vector<std::unique_ptr<stage::Stage>> stages;
  class Fixed final : public stage::Stage {
   public:
    Fixed() {
      headers_ = {"X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n", {"Server"}};
    }
    std::string_view name() const override { return "fixed"; }
    const stage::StaticResponseHeaders* static_response_headers() const override {
      return &headers_;
    }

   private:
    stage::StaticResponseHeaders headers_;
  };
  stages.push_back(std::make_unique<Fixed>());
  Chain chain(std::move(stages));
  up_.respond = [](const testing::UpstreamView&) {
    return ScriptedResponse{200,
                            {{"Server", "nginx"},
                             {"x-frame-options", "SAMEORIGIN"},
                             {"RateLimit", "from-origin"},
                             {"X-Request-ID", "forged"}},
                            {"ok"}};
  };
  request_.ctx.response_headers.emplace_back("RateLimit", "\"a\";r=1;t=1");
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_EQ(down_.client.count("Server"), 0u);
  EXPECT_EQ(down_.client.count("X-Frame-Options"), 1u);
  EXPECT_EQ(down_.client.field("X-Frame-Options"), "DENY");
  EXPECT_EQ(down_.client.field("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(down_.client.count("RateLimit"), 1u);
  EXPECT_EQ(down_.client.field("RateLimit"), "\"a\";r=1;t=1");
  EXPECT_EQ(down_.client.count("X-Request-ID"), 1u);
  EXPECT_EQ(down_.client.field("X-Request-ID"), "test-request-id");
}

TEST_F(RunTest, BufferedBodyIsSeenFirstAndStillForwardedWhole) {
  FakeDownstream down("0123456789abcdef");
  Chain chain = chain_of({"a", "b"});
  probe(0).buffer_bound = 10;
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down, up_));
  EXPECT_EQ(log_.at(1), "a.body:0123456789:partial");
  ASSERT_EQ(up_.received.size(), 1u);
  EXPECT_EQ(up_.received[0].body, "0123456789abcdef");

  log_.clear();
  FakeDownstream whole("short");
  FakeRequest request("POST", "/");
  Chain refusing = chain_of({"a", "b"});
  probe(0).buffer_bound = 10;
  probe(0).refuse_body = true;
  EXPECT_TRUE(testing::run_pipeline(refusing, request, whole, up_));
  EXPECT_EQ(log_.at(1), "a.body:short:complete");
  EXPECT_EQ(whole.client.status, 403u);
  EXPECT_EQ(up_.received.size(), 1u);  // not forwarded
}

TEST_F(RunTest, BodyPiecesAreTransformedInOrder) {
  Chain chain = chain_of({"a", "b"});
  probe(1).uppercase = true;
  up_.respond = [](const testing::UpstreamView&) {
    return ScriptedResponse{200, {}, {"one ", "two"}};
  };
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_EQ(down_.client.pieces, (std::vector<std::string>{"ONE ", "TWO"}));
}

TEST_F(RunTest, TrailersFollowTheTransformedLastPieceToTheClient) {
  Chain chain = chain_of({"a", "b"});
  probe(1).uppercase = true;
  up_.respond = [](const testing::UpstreamView&) {
    ScriptedResponse r{200, {}, {"one ", "two"}};
    r.unknown_length = true;
    r.trailers = "grpc-status: 0\r\n";
    return r;
  };
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_EQ(down_.client.pieces, (std::vector<std::string>{"ONE ", "TWO"}));
  EXPECT_EQ(down_.client.trailers, "grpc-status: 0\r\n");
  EXPECT_TRUE(down_.client.finished);
}

TEST_F(RunTest, ABufferedRequestBodyKeepsItsTrailers) {
  Chain chain = chain_of({"a"});
  probe(0).buffer_bound = 4;
  FakeDownstream down("a body longer than the bound");
  down.body().trailer_lines = "x-checksum: 1\r\n";
  EXPECT_TRUE(testing::run_pipeline(chain, request_, down, up_));
  ASSERT_EQ(up_.received.size(), 1u);
  EXPECT_EQ(up_.received[0].body, "a body longer than the bound");
  EXPECT_EQ(up_.received[0].trailers, "x-checksum: 1\r\n");

  // Read ahead whole, too.
  FakeRequest again{"POST", "/"};
  FakeDownstream whole("tiny");
  whole.body().trailer_lines = "x-checksum: 2\r\n";
  probe(0).buffer_bound = 1024;
  EXPECT_TRUE(testing::run_pipeline(chain, again, whole, up_));
  ASSERT_EQ(up_.received.size(), 2u);
  EXPECT_EQ(up_.received[1].body, "tiny");
  EXPECT_EQ(up_.received[1].trailers, "x-checksum: 2\r\n");
}

TEST_F(RunTest, BrokenUpstreamBodyAbortsTheClientAndFinishesIncomplete) {
  Chain chain = chain_of({"a"});
  up_.respond = [](const testing::UpstreamView&) {
    ScriptedResponse r{200, {}, {"partial"}};
    r.break_after_pieces = true;
    r.length = 100;
    return r;
  };
  EXPECT_FALSE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_TRUE(down_.client.aborted);
  EXPECT_EQ(log_.back(), "a.finish:broken");
}

TEST_F(RunTest, AStageThatCannotTransformAPieceAbortsTheResponse) {
  Chain chain = chain_of({"a", "b"});
  probe(1).break_at_piece = 2;
  up_.respond = [](const testing::UpstreamView&) {
    return ScriptedResponse{200, {}, {"one ", "two ", "three"}};
  };
  EXPECT_FALSE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_TRUE(down_.client.aborted);
  EXPECT_FALSE(down_.client.finished);
  EXPECT_EQ(down_.client.pieces, (std::vector<std::string>{"one "}));
  EXPECT_EQ(up_.pieces_relayed, 2u);  // the relay stopped there
  // The stage after it never saw the broken piece.
  EXPECT_EQ(std::count(log_.begin(), log_.end(), "a.piece"), 1);
  EXPECT_EQ(log_.back(), "b.finish:broken");
}

TEST_F(RunTest, ClientGoneBeforeTheHeadAbortsTheUpstream) {
  Chain chain = chain_of({"a"});
  down_.gone = true;
  EXPECT_FALSE(testing::run_pipeline(chain, request_, down_, up_));
  EXPECT_EQ(up_.last_action, stage::ResponseSink::HeadAction::abort);
  EXPECT_EQ(up_.pieces_relayed, 0u);
  EXPECT_EQ(log_.back(), "a.finish:broken");
}

TEST_F(RunTest, UpstreamEditsReachTheUpstreamNotTheClientsRequest) {
  class Editor final : public stage::Stage {
   public:
    std::string_view name() const override { return "editor"; }
    RequestVerdict on_request_head(RequestContext& ctx) override {
      ctx.upstream.remove("Accept-Encoding");
      ctx.upstream.set("If-None-Match", "\"v1\"");
      ctx.upstream.set_target("/normalised");
      return RequestVerdict::proceed();
    }
  };
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(std::make_unique<Editor>());
  Chain chain(std::move(stages));
  FakeRequest request("GET", "/a/../normalised",
                      {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"client\""}});
  EXPECT_TRUE(testing::run_pipeline(chain, request, down_, up_));
  ASSERT_EQ(up_.received.size(), 1u);
  EXPECT_EQ(up_.received[0].target, "/normalised");
  EXPECT_FALSE(up_.received[0].field("Accept-Encoding"));
  EXPECT_EQ(up_.received[0].field("If-None-Match"), "\"v1\"");
  // The client's request is untouched, for the stages and the log.
  EXPECT_EQ(request.head["Accept-Encoding"], "gzip");
  EXPECT_EQ(request.head["If-None-Match"], "\"client\"");
}

TEST_F(RunTest, AStageThatNeedsIoOnlySometimesGoesAsyncWhenItSaysSo) {
  // Decides at once for /fast; for anything else asks for the async step,
  // which answers.
  class Sometimes final : public stage::Stage {
   public:
    std::string_view name() const override { return "sometimes"; }
    RequestVerdict on_request_head(RequestContext& ctx) override {
      ++sync_calls;
      if (ctx.path == "/fast") return RequestVerdict::proceed();
      return RequestVerdict::go_async();
    }
    boost::asio::awaitable<RequestVerdict> on_request_head_async(RequestContext& ctx) override {
      ++async_calls;
      co_return RequestVerdict::respond(stage::make_error_response(504, "asked", ctx.request_id));
    }
    int sync_calls = 0;
    int async_calls = 0;
  };
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(std::make_unique<Sometimes>());
  auto& sometimes = static_cast<Sometimes&>(*stages.back());
  Chain chain(std::move(stages));

  FakeRequest fast("GET", "/fast");
  EXPECT_TRUE(testing::run_pipeline(chain, fast, down_, up_));
  EXPECT_EQ(down_.client.status, 200u);
  EXPECT_EQ(sometimes.async_calls, 0);

  FakeRequest slow("GET", "/slow");
  FakeDownstream down;
  EXPECT_TRUE(testing::run_pipeline(chain, slow, down, up_));
  EXPECT_EQ(down.client.status, 504u);
  EXPECT_EQ(sometimes.sync_calls, 2);
  EXPECT_EQ(sometimes.async_calls, 1);
  EXPECT_EQ(up_.received.size(), 1u) << "the async answer still went upstream";
}

}  // namespace
}  // namespace centinela::pipeline
