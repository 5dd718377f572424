#include "compress/compression_stage.h"

#include <string>
#include <string_view>

#include "compress/coding_choice.h"
#include "compress/encoder.h"
#include "observe/live_stats.h"

namespace centinela::compress {
namespace {

namespace http = stage::http;
using stage::RequestVerdict;
using stage::ResponseVerdict;

constexpr std::string_view kAcceptEncoding = "Accept-Encoding";
constexpr std::string_view kContentEncoding = "Content-Encoding";
constexpr std::string_view kETag = "ETag";

// Per request, in the request's arena.
struct State {
  std::string_view accept_encoding;  // the client's, a view of its request head
  std::unique_ptr<Encoder> encoder;  // while an upstream body streams through
  std::string out;                   // the encoder's output for the piece in hand
};

// The first Accept-Encoding line, as the client sent it.
std::string_view client_accept_encoding(const stage::RequestHead& request) {
  const auto field = request.find(http::field::accept_encoding);
  return field == request.end() ? std::string_view{} : std::string_view(field->value());
}

// A compressed body is not the bytes a strong validator names.
void weaken_etag_field(stage::ResponseFields& fields) {
  const std::string_view etag = fields.find(kETag);
  if (etag.empty() || etag.starts_with("W/")) return;
  fields.set_view(kETag, fields.concat({"W/", etag}));
}

class CompressionStage final : public stage::Stage {
 public:
  CompressionStage(const config::CompressionConfig& policy, bool live_stats)
      : policy_(policy), live_stats_(live_stats) {}

  std::string_view name() const override { return "compression"; }

  RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    State& state = ctx.make_state<State>(slot());
    const auto field = ctx.request.find(http::field::accept_encoding);
    if (field != ctx.request.end()) {
      state.accept_encoding = field->value();
      // The upstream sends identity; the client's head keeps the field (the
      // cache records Vary values from it).
      ctx.upstream.remove(kAcceptEncoding);
    }
    return RequestVerdict::proceed();
  }

  ResponseVerdict on_response_head(stage::RequestContext& ctx, stage::Response& response) override {
    switch (response.origin) {
      case stage::ResponseOrigin::upstream:
        begin_stream(state_of(ctx), response);
        break;
      case stage::ResponseOrigin::stored:
        use_variant(state_of(ctx), response);
        break;
      case stage::ResponseOrigin::gateway:
        break;
    }
    return ResponseVerdict::proceed();
  }

  void on_response_body(stage::RequestContext& ctx, stage::BodyPiece& piece) override {
    State* state = ctx.state<State>(slot());
    if (state == nullptr || !state->encoder) return;
    state->out.clear();
    // The last piece in one call: a body read in one piece is compressed in
    // one go (cheaper for brotli, and zstd records the size).
    const bool written = piece.last
                             ? state->encoder->write_last(piece.data, state->out)
                             : piece.data.empty() || state->encoder->write(piece.data, state->out);
    // The dashboard's compression savings (streamed bodies; stored variants
    // were counted when they were compressed).
    if (written && piece.data.size() > state->out.size()) {
      observe::LiveSeries& series = observe::LiveStats::global().series();
      const std::uint64_t saved = piece.data.size() - state->out.size();
      if (live_stats_) {
        series.add(observe::LiveCount::compression_saved_bytes, saved);
      } else {
        series.add_twin_only(observe::LiveCount::compression_saved_bytes, saved);
      }
    }
    piece.data = state->out;
    if (!written) piece.broken = true;
    if (piece.last || !written) state->encoder.reset();
  }

 private:
  // The state the request side made, or (when an earlier stage answered
  // before this one saw the request) one made now.
  State& state_of(stage::RequestContext& ctx) const {
    if (State* state = ctx.state<State>(slot())) return *state;
    State& state = ctx.make_state<State>(slot());
    state.accept_encoding = client_accept_encoding(ctx.request);
    return state;
  }

  // An upstream response: decided from its head, then compressed as it
  // streams (only when a body follows: HEAD and 304 get the head alone).
  void begin_stream(State& state, stage::Response& response) const {
    stage::ResponseFields& fields = response.fields;
    bool varies = false;
    const Coding coding = choose_coding(
        policy_, state.accept_encoding, response.status, fields.find("Content-Type"),
        fields.joined(kContentEncoding), fields.joined("Cache-Control"), response.length, varies);
    if (varies) stage::add_vary(fields, kAcceptEncoding);
    if (coding == Coding::identity) return;
    if (response.sends_body) {
      state.encoder =
          make_encoder(coding, policy_level(policy_, coding), response.length.value_or(0));
      if (!state.encoder) return;
    }
    fields.set_view(kContentEncoding, coding_token(coding));
    response.length.reset();  // the compressed length is known only at the end
    weaken_etag_field(fields);
  }

  // A stored response: its variant for the coding, made on first use.
  void use_variant(const State& state, stage::Response& response) const {
    const stage::StoredResponse* stored = response.stored.get();
    if (stored == nullptr || !stored->transformable()) return;
    stage::ResponseFields& fields = response.fields;
    // The stored status, not a 304's: a 304 names the representation a 200
    // would carry (its ETag, its Vary).
    bool varies = false;
    const Coding coding =
        choose_coding(policy_, state.accept_encoding, stored->status(), fields.find("Content-Type"),
                      {}, {}, stored->body().size(), varies);
    if (varies) stage::add_vary(fields, kAcceptEncoding);
    if (coding == Coding::identity) return;
    const stage::Variant* variant = variant_of(*stored, coding, fields.find(kETag));
    if (variant == nullptr) return;
    fields.set_view(kContentEncoding, coding_token(coding));
    if (!variant->etag.empty()) fields.set_view(kETag, variant->etag);
    response.whole_body = variant->body;
    response.length = variant->body.size();
  }

  const stage::Variant* variant_of(const stage::StoredResponse& stored, Coding coding,
                                   std::string_view etag) const {
    const int id = static_cast<int>(coding);
    if (const stage::Variant* made = stored.variant(id)) return made;
    auto made = std::make_unique<stage::Variant>();
    made->id = id;
    if (!compress_all(coding, stored.body(), made->body, policy_level(policy_, coding))) {
      return nullptr;
    }
    if (!etag.empty()) made->etag = weaken_etag(etag);
    // Another request may have made it meanwhile: theirs is kept, ours dropped.
    return stored.publish_variant(std::move(made));
  }

  config::CompressionConfig policy_;
  bool live_stats_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_compression_stage(const config::CompressionConfig& policy,
                                                     bool live_stats) {
  if (!policy.enabled) return nullptr;
  return std::make_unique<CompressionStage>(policy, live_stats);
}

}  // namespace centinela::compress
