// An exchange in memory, for driving stages and the pipeline without sockets:
// a downstream that records what the client would receive, an upstream that
// answers as the test scripts it and records what it was sent, and a
// request context around a request head.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/chain.h"
#include "stage/downstream.h"
#include "stage/request_context.h"
#include "stage/upstream.h"

namespace centinela::testing {

// A request body held in memory, read in pieces of at most `piece` bytes.
class MemoryBody final : public stage::RequestBody {
 public:
  explicit MemoryBody(std::string body = {}, std::size_t piece = 1 << 20)
      : body_(std::move(body)), piece_(piece) {}
  bool present() const override { return !body_.empty(); }
  std::optional<std::uint64_t> length() const override { return body_.size(); }
  bool done() const override { return offset_ == body_.size(); }
  bool started() const override { return offset_ != 0; }
  boost::asio::awaitable<stage::BodyRead> read(std::span<char> into) override;
  std::string_view trailers() const override {
    return done() ? std::string_view(trailer_lines) : std::string_view{};
  }
  std::optional<stage::BodyError> error;  // returned by the next read when set
  std::string trailer_lines;              // "name: value\r\n" lines after the body

 private:
  std::string body_;
  std::size_t piece_;
  std::size_t offset_ = 0;
};

// What the client received.
struct ClientView {
  bool head_sent = false;
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  bool sends_body = true;
  std::optional<std::uint64_t> length;
  std::string body;
  bool finished = false;  // the last piece arrived
  std::string trailers;   // what came with the last piece
  bool aborted = false;
  std::vector<std::string> pieces;

  std::optional<std::string> field(std::string_view name) const;
  std::size_t count(std::string_view name) const;
};

class FakeDownstream final : public stage::Downstream {
 public:
  explicit FakeDownstream(std::string request_body = {}) : body_(std::move(request_body)) {}
  stage::RequestBody& request_body() override { return body_; }
  bool send_head(const stage::Response& response) override;
  boost::asio::awaitable<bool> send_body(std::string_view piece, bool last) override;
  boost::asio::awaitable<bool> send_last(std::string_view piece,
                                         std::string_view trailers) override;
  void abort() override { client.aborted = true; }
  bool head_sent() const override { return client.head_sent; }

  MemoryBody& body() { return body_; }
  ClientView client;
  bool gone = false;  // the client has left: sends fail

 private:
  MemoryBody body_;
};

// A response the fake upstream gives.
struct ScriptedResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> pieces;      // the body, in pieces
  bool break_after_pieces = false;      // the body breaks off after them
  std::optional<std::uint64_t> length;  // declared length (default: the pieces' total)
  bool unknown_length = false;          // none declared (chunked): `length` is ignored
  std::string trailers;                 // after the last piece ("name: value\r\n" lines)
};

// What the upstream received.
struct UpstreamView {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>>
      fields;  // the client's, with ctx.upstream's edits
  std::string body;
  std::string trailers;
  std::optional<std::string> field(std::string_view name) const;
};

class FakeUpstream final : public stage::Upstream {
 public:
  boost::asio::awaitable<stage::ForwardResult> forward(stage::RequestContext& ctx,
                                                       stage::RequestBody& body,
                                                       stage::ResponseSink& sink) override;

  // The next forward answers with this (the default: 200 "upstream body").
  std::function<ScriptedResponse(const UpstreamView&)> respond;
  // Or fails before any response: forward returns this.
  std::optional<stage::ForwardResult> fail;

  std::vector<UpstreamView> received;
  std::optional<stage::ResponseSink::HeadAction> last_action;
  std::size_t pieces_relayed = 0;
};

// A request and its context, with the arena both live in.
struct FakeRequest {
  explicit FakeRequest(std::string_view method = "GET", std::string_view target = "/",
                       std::vector<std::pair<std::string, std::string>> fields = {});
  stage::Arena arena;
  stage::RequestHead head;
  stage::RequestContext ctx;
};

// Runs a coroutine to completion on a private io_context.
bool run_pipeline(const pipeline::Chain& chain, FakeRequest& request, FakeDownstream& downstream,
                  FakeUpstream& upstream);
void run_coroutine(std::function<boost::asio::awaitable<void>()> body);

}  // namespace centinela::testing
