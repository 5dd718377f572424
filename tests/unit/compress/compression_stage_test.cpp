// The compression stage through a chain in memory: the coding each client
// gets, upstream bodies streamed through an encoder, stored responses served
// from a variant made once, and the responses it must leave alone.
#include "compress/compression_stage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decoders.h"
#include "fake_exchange.h"
#include "fake_stored.h"

namespace centinela::compress {
namespace {

namespace fake = centinela::testing;
using Fields = std::vector<std::pair<std::string, std::string>>;

config::CompressionConfig policy() {
  config::CompressionConfig config;
  config.enabled = true;  // min_size 1024, br > zstd > gzip, text-like types
  return config;
}

std::string text(std::size_t size) {
  static constexpr std::string_view kLine = "the quick brown fox jumps over the lazy dog, again; ";
  std::string out;
  while (out.size() < size) out += kLine;
  out.resize(size);
  return out;
}

pipeline::Chain chain_of(std::vector<std::unique_ptr<stage::Stage>> stages) {
  return pipeline::Chain(std::move(stages));
}

pipeline::Chain compression_chain(const config::CompressionConfig& config = policy()) {
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(make_compression_stage(config));
  return chain_of(std::move(stages));
}

// One request through a chain; the upstream answers `scripted`.
struct Exchange {
  Exchange(const pipeline::Chain& chain, std::string_view method, Fields request_fields,
           fake::ScriptedResponse scripted = {})
      : request(method, "/doc", std::move(request_fields)) {
    upstream.respond = [scripted](const fake::UpstreamView&) { return scripted; };
    complete = fake::run_pipeline(chain, request, downstream, upstream);
  }
  const fake::ClientView& client() const { return downstream.client; }

  fake::FakeRequest request;
  fake::FakeDownstream downstream;
  fake::FakeUpstream upstream;
  bool complete = false;
};

fake::ScriptedResponse text_response(const std::string& body, Fields fields = {},
                                     unsigned status = 200) {
  fields.insert(fields.begin(), {"Content-Type", "text/html; charset=utf-8"});
  return fake::ScriptedResponse{status, std::move(fields), {body}};
}

TEST(CompressionStage, OffOrOnByTheRoutesPolicy) {
  EXPECT_EQ(make_compression_stage(config::CompressionConfig{}), nullptr);
  auto stage = make_compression_stage(policy());
  ASSERT_NE(stage, nullptr);
  EXPECT_EQ(stage->name(), "compression");
}

TEST(CompressionStage, TheUpstreamIsAskedForIdentityAndTheClientsHeadKeepsItsField) {
  const pipeline::Chain chain = compression_chain();
  Exchange run(chain, "GET", {{"Accept-Encoding", "gzip, br"}}, text_response(text(4000)));
  ASSERT_EQ(run.upstream.received.size(), 1u);
  EXPECT_FALSE(run.upstream.received[0].field("Accept-Encoding"));
  EXPECT_EQ(run.request.head[stage::http::field::accept_encoding], "gzip, br");

  Exchange without(chain, "GET", {}, text_response(text(4000)));
  EXPECT_TRUE(without.request.ctx.upstream.empty());
  EXPECT_FALSE(without.client().field("Content-Encoding"));
  EXPECT_EQ(without.client().field("Vary"), "Accept-Encoding");
  EXPECT_EQ(without.client().body, text(4000));
}

struct Choice {
  std::string_view accept_encoding;
  Coding expected;
};

class ChoosesTheCoding : public ::testing::TestWithParam<Choice> {};

TEST_P(ChoosesTheCoding, FromTheClientsQValuesAndTheRoutesOrder) {
  const pipeline::Chain chain = compression_chain();
  const std::string body = text(5000);
  Exchange run(chain, "GET", {{"Accept-Encoding", std::string(GetParam().accept_encoding)}},
               text_response(body, {{"ETag", "\"v1\""}}));
  const fake::ClientView& client = run.client();
  EXPECT_TRUE(run.complete);
  EXPECT_EQ(client.field("Vary"), "Accept-Encoding");
  const Coding coding = GetParam().expected;
  if (coding == Coding::identity) {
    EXPECT_FALSE(client.field("Content-Encoding"));
    EXPECT_EQ(client.field("ETag"), "\"v1\"");
    EXPECT_EQ(client.length, body.size());
    EXPECT_EQ(client.body, body);
    return;
  }
  EXPECT_EQ(client.field("Content-Encoding"), std::string(coding_token(coding)));
  EXPECT_EQ(client.field("ETag"), "W/\"v1\"");
  EXPECT_FALSE(client.length);  // known only at the end
  EXPECT_LT(client.body.size(), body.size());
  EXPECT_EQ(testing::decode(coding, client.body), body);
}

INSTANTIATE_TEST_SUITE_P(
    Negotiation, ChoosesTheCoding,
    ::testing::Values(Choice{"gzip", Coding::gzip}, Choice{"br", Coding::br},
                      Choice{"zstd", Coding::zstd}, Choice{"gzip, deflate, br, zstd", Coding::br},
                      Choice{"*", Coding::br}, Choice{"gzip;q=1.0, br;q=0.5", Coding::gzip},
                      Choice{"br;q=0, zstd;q=0.1, gzip;q=0.1", Coding::zstd},
                      Choice{"GZIP", Coding::gzip}, Choice{"deflate", Coding::identity},
                      Choice{"gzip;q=0, identity", Coding::identity},
                      Choice{"", Coding::identity}));

TEST(CompressionStage, StreamsAnUpstreamBodyPieceByPiece) {
  const pipeline::Chain chain = compression_chain();
  const std::string body = text(64 * 1024);
  fake::ScriptedResponse scripted{200, {{"Content-Type", "application/json"}}, {}};
  for (std::size_t at = 0; at < body.size(); at += 8192)
    scripted.pieces.push_back(body.substr(at, 8192));
  Exchange run(chain, "GET", {{"Accept-Encoding", "gzip"}}, scripted);
  const fake::ClientView& client = run.client();
  EXPECT_TRUE(run.complete);
  EXPECT_EQ(run.upstream.pieces_relayed, 8u);
  EXPECT_EQ(client.pieces.size(), 8u);  // one out for each in, the last ends the stream
  EXPECT_EQ(client.field("Content-Encoding"), "gzip");
  EXPECT_FALSE(client.length);
  EXPECT_EQ(testing::gunzip(client.body), body);
  // Every prefix is a valid start of the stream.
  std::string prefix;
  for (std::size_t i = 0; i + 1 < client.pieces.size(); ++i) prefix += client.pieces[i];
  const auto so_far = testing::gunzip_prefix(prefix);
  ASSERT_TRUE(so_far);
  EXPECT_TRUE(body.starts_with(*so_far));
}

TEST(CompressionStage, AnUpstreamBodyThatBreaksOffAbortsTheCompressedStream) {
  const pipeline::Chain chain = compression_chain();
  fake::ScriptedResponse scripted{200, {{"Content-Type", "text/plain"}}, {text(4000), text(4000)}};
  scripted.break_after_pieces = true;
  scripted.length = 20000;
  Exchange run(chain, "GET", {{"Accept-Encoding", "br"}}, scripted);
  EXPECT_FALSE(run.complete);
  EXPECT_TRUE(run.client().aborted);
  EXPECT_FALSE(run.client().finished);
  EXPECT_EQ(run.client().field("Content-Encoding"), "br");
}

TEST(CompressionStage, HostileAcceptEncodingCostsBoundedWorkAndStaysCorrect) {
  const pipeline::Chain chain = compression_chain();
  const std::string body = text(3000);
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "x-unknown;q=0.5, ";
  many += "gzip";
  for (const std::string& accept :
       {many, std::string("gzip;q=2, br;q=-1"), std::string("br;q=0.5;q=0.9"),
        std::string(",,,;;;===, gzip"), std::string("\x01\x02 gzip\x7f"),
        std::string(32 * 1024, 'g')}) {
    Exchange run(chain, "GET", {{"Accept-Encoding", accept}}, text_response(body));
    const fake::ClientView& client = run.client();
    EXPECT_TRUE(run.complete);
    EXPECT_EQ(client.field("Vary"), "Accept-Encoding");
    // Whatever was chosen, the client can decode what it was told it got.
    const std::string coding_name = client.field("Content-Encoding").value_or("identity");
    const std::optional<Coding> coding = coding_from_token(coding_name);
    ASSERT_TRUE(coding) << coding_name;
    EXPECT_EQ(testing::decode(*coding, client.body), body) << accept.substr(0, 40);
  }
}

TEST(CompressionStage, VaryIsMergedIntoWhatTheUpstreamListed) {
  const pipeline::Chain chain = compression_chain();
  Exchange origin(chain, "GET", {{"Accept-Encoding", "gzip"}},
                  text_response(text(4000), {{"Vary", "Origin"}, {"Vary", "X-Tenant"}}));
  EXPECT_EQ(origin.client().count("Vary"), 1u);
  EXPECT_EQ(origin.client().field("Vary"), "Origin, X-Tenant, Accept-Encoding");

  Exchange listed(chain, "GET", {{"Accept-Encoding", "gzip"}},
                  text_response(text(4000), {{"Vary", "accept-encoding"}}));
  EXPECT_EQ(listed.client().field("Vary"), "accept-encoding");

  Exchange weak(chain, "GET", {{"Accept-Encoding", "gzip"}},
                text_response(text(4000), {{"ETag", "W/\"w\""}}));
  EXPECT_EQ(weak.client().field("ETag"), "W/\"w\"");
  EXPECT_EQ(weak.client().field("Content-Encoding"), "gzip");
}

struct LeftAlone {
  std::string_view why;
  unsigned status;
  Fields fields;
  std::size_t size;
  bool varies;  // the answer still depends on Accept-Encoding
};

class LeavesAlone : public ::testing::TestWithParam<LeftAlone> {};

TEST_P(LeavesAlone, ResponsesTheRulesExclude) {
  const pipeline::Chain chain = compression_chain();
  const LeftAlone& param = GetParam();
  const std::string body = text(param.size);
  Exchange run(chain, "GET", {{"Accept-Encoding", "gzip, br"}},
               fake::ScriptedResponse{param.status, param.fields, {body}});
  const fake::ClientView& client = run.client();
  EXPECT_EQ(client.status, param.status) << param.why;
  if (param.fields.size() == 0 || param.fields[0].first != "Content-Encoding") {
    EXPECT_FALSE(client.field("Content-Encoding")) << param.why;
  } else {
    EXPECT_EQ(client.field("Content-Encoding"), param.fields[0].second) << param.why;
  }
  EXPECT_EQ(client.field("Vary").has_value(), param.varies) << param.why;
  EXPECT_EQ(client.body, param.status == 204 ? std::string() : body) << param.why;
  EXPECT_EQ(client.field("ETag"), "\"strong\"") << param.why;
}

const Fields kText = {{"Content-Type", "text/plain"}, {"ETag", "\"strong\""}};

Fields with(Fields fields) {
  fields.insert(fields.end(), kText.begin(), kText.end());
  return fields;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, LeavesAlone,
    ::testing::Values(
        LeftAlone{"partial content", 206, with({{"Content-Range", "bytes 0-4999/9000"}}), 5000,
                  false},
        LeftAlone{"no content", 204, kText, 0, false},
        LeftAlone{"not found", 404, kText, 5000, false},
        LeftAlone{"server error", 500, kText, 5000, false},
        LeftAlone{"no-transform", 200, with({{"Cache-Control", "public, no-transform"}}), 5000,
                  false},
        LeftAlone{"no-transform on a later line", 200,
                  with({{"Cache-Control", "public"}, {"Cache-Control", "no-transform"}}), 5000,
                  false},
        LeftAlone{"already encoded", 200, with({{"Content-Encoding", "gzip"}}), 5000, false},
        LeftAlone{"under min_size", 200, kText, 1000, false},
        LeftAlone{"a type not listed",
                  200,
                  {{"Content-Type", "image/png"}, {"ETag", "\"strong\""}},
                  5000,
                  false}));

TEST(CompressionStage, HeadGetsTheHeadOfACompressedResponseAndNoBytes) {
  const pipeline::Chain chain = compression_chain();
  fake::ScriptedResponse scripted = text_response(text(5000), {{"ETag", "\"v\""}});
  Exchange run(chain, "HEAD", {{"Accept-Encoding", "gzip"}}, scripted);
  const fake::ClientView& client = run.client();
  EXPECT_TRUE(run.complete);
  EXPECT_FALSE(client.sends_body);
  EXPECT_EQ(client.field("Content-Encoding"), "gzip");
  EXPECT_EQ(client.field("ETag"), "W/\"v\"");
  EXPECT_FALSE(client.length);
  EXPECT_TRUE(client.body.empty());
}

TEST(CompressionStage, NotModifiedFromTheUpstreamIsLeftAlone) {
  const pipeline::Chain chain = compression_chain();
  Exchange run(chain, "GET", {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"v\""}},
               fake::ScriptedResponse{304, {{"ETag", "\"v\""}}, {}});
  const fake::ClientView& client = run.client();
  EXPECT_EQ(client.status, 304u);
  EXPECT_FALSE(client.field("Content-Encoding"));
  EXPECT_EQ(client.field("ETag"), "\"v\"");
  EXPECT_TRUE(client.body.empty());
}

TEST(CompressionStage, TheGatewaysOwnAnswersGoAsTheyAre) {
  config::CompressionConfig everything = policy();
  everything.min_size = 0;
  const pipeline::Chain chain = compression_chain(everything);
  fake::FakeRequest request("GET", "/doc", {{"Accept-Encoding", "gzip"}});
  fake::FakeDownstream downstream;
  fake::FakeUpstream failing;
  failing.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 502, "no upstream"};
  fake::run_pipeline(chain, request, downstream, failing);
  EXPECT_EQ(downstream.client.status, 502u);
  EXPECT_EQ(downstream.client.field("Content-Type"), "application/json");
  EXPECT_FALSE(downstream.client.field("Content-Encoding"));
  EXPECT_FALSE(downstream.client.field("Vary"));
  EXPECT_NE(downstream.client.body.find("BAD_GATEWAY"), std::string::npos);
}

// --- stored responses (cache hits) --------------------------------------------

std::shared_ptr<fake::FakeStored> stored_text(const std::string& body, Fields extra = {},
                                              unsigned status = 200, bool transformable = true) {
  Fields fields = {{"Content-Type", "text/plain"}, {"ETag", "\"e1\""}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  return std::make_shared<fake::FakeStored>(status, std::move(fields), body, transformable);
}

// Compression, then a stage that answers with `entry` (where the cache sits).
pipeline::Chain hit_chain(std::shared_ptr<const stage::StoredResponse> entry,
                          bool not_modified = false) {
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(make_compression_stage(policy()));
  stages.push_back(std::make_unique<fake::StoredAnswerStage>(std::move(entry), not_modified));
  return chain_of(std::move(stages));
}

TEST(CompressionStage, AStoredResponseIsServedFromAVariantMadeOnce) {
  const std::string body = text(20000);
  auto entry = stored_text(body);
  const pipeline::Chain chain = hit_chain(entry);

  Exchange first(chain, "GET", {{"Accept-Encoding", "br"}});
  EXPECT_TRUE(first.upstream.received.empty());
  const fake::ClientView& client = first.client();
  EXPECT_EQ(client.status, 200u);
  EXPECT_EQ(client.field("Content-Encoding"), "br");
  EXPECT_EQ(client.field("ETag"), "W/\"e1\"");
  EXPECT_EQ(client.field("Vary"), "Accept-Encoding");
  EXPECT_EQ(client.length, client.body.size());
  EXPECT_EQ(testing::unbrotli(client.body), body);
  EXPECT_EQ(entry->variants(), 1u);
  EXPECT_EQ(entry->publish_calls(), 1u);
  const stage::Variant* variant = entry->variant(static_cast<int>(Coding::br));
  ASSERT_NE(variant, nullptr);
  EXPECT_EQ(variant->etag, "W/\"e1\"");

  // Later hits for the same coding reuse it: nothing is compressed again.
  for (int i = 0; i < 3; ++i) {
    Exchange again(chain, "GET", {{"Accept-Encoding", "br, gzip"}});
    EXPECT_EQ(again.client().body, variant->body);
    EXPECT_EQ(again.client().field("ETag"), "W/\"e1\"");
  }
  EXPECT_EQ(entry->publish_calls(), 1u);

  // Another coding is another variant of the same entry.
  Exchange gzip(chain, "GET", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gzip.client().field("Content-Encoding"), "gzip");
  EXPECT_EQ(testing::gunzip(gzip.client().body), body);
  EXPECT_EQ(entry->variants(), 2u);

  // A client that takes identity gets the stored body, and the Vary.
  Exchange identity(chain, "GET", {});
  EXPECT_FALSE(identity.client().field("Content-Encoding"));
  EXPECT_EQ(identity.client().field("ETag"), "\"e1\"");
  EXPECT_EQ(identity.client().field("Vary"), "Accept-Encoding");
  EXPECT_EQ(identity.client().body, body);
}

TEST(CompressionStage, AStoredResponsesVaryIsMerged) {
  auto entry = stored_text(text(5000), {{"Vary", "Origin"}});
  const pipeline::Chain chain = hit_chain(entry);
  Exchange run(chain, "GET", {{"Accept-Encoding", "zstd"}});
  EXPECT_EQ(run.client().field("Vary"), "Origin, Accept-Encoding");
  EXPECT_EQ(run.client().field("Content-Encoding"), "zstd");
  EXPECT_EQ(testing::unzstd(run.client().body), text(5000));
}

TEST(CompressionStage, NotModifiedAndHeadOnAStoredResponseCarryTheVariantsHeadOnly) {
  const std::string body = text(8000);
  auto entry = stored_text(body);
  const pipeline::Chain not_modified = hit_chain(entry, /*not_modified=*/true);
  Exchange revalidated(not_modified, "GET",
                       {{"Accept-Encoding", "gzip"}, {"If-None-Match", "W/\"e1\""}});
  const fake::ClientView& client = revalidated.client();
  EXPECT_EQ(client.status, 304u);
  EXPECT_FALSE(client.sends_body);
  EXPECT_TRUE(client.body.empty());
  // The validator and Vary a 200 would carry.
  EXPECT_EQ(client.field("ETag"), "W/\"e1\"");
  EXPECT_EQ(client.field("Vary"), "Accept-Encoding");
  EXPECT_EQ(client.field("Content-Encoding"), "gzip");

  const pipeline::Chain chain = hit_chain(entry);
  Exchange head(chain, "HEAD", {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(head.client().sends_body);
  EXPECT_TRUE(head.client().body.empty());
  EXPECT_EQ(head.client().field("Content-Encoding"), "gzip");
  const stage::Variant* variant = entry->variant(static_cast<int>(Coding::gzip));
  ASSERT_NE(variant, nullptr);
  EXPECT_EQ(head.client().length, variant->body.size());  // what a GET would get
  EXPECT_EQ(entry->variants(), 1u);
}

TEST(CompressionStage, StoredResponsesTheRulesExcludeAreLeftAlone) {
  const std::string body = text(5000);
  auto opaque = stored_text(body, {}, 200, /*transformable=*/false);
  Exchange not_transformable(hit_chain(opaque), "GET", {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(not_transformable.client().field("Content-Encoding"));
  EXPECT_FALSE(not_transformable.client().field("Vary"));
  EXPECT_EQ(not_transformable.client().body, body);
  EXPECT_EQ(opaque->variants(), 0u);

  auto missing = stored_text(body, {}, 404);
  Exchange not_found(hit_chain(missing), "GET", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(not_found.client().status, 404u);
  EXPECT_FALSE(not_found.client().field("Content-Encoding"));
  EXPECT_EQ(not_found.client().body, body);

  auto small = stored_text(text(100));
  Exchange under_min(hit_chain(small), "GET", {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(under_min.client().field("Content-Encoding"));
  EXPECT_EQ(under_min.client().body, text(100));
  EXPECT_EQ(small->variants(), 0u);
}

TEST(CompressionStage, WorksWhenAnEarlierStageAnsweredBeforeItSawTheRequest) {
  // The stored answer comes first in request order here, so compression's
  // request side never ran; it reads the client's field itself.
  auto entry = stored_text(text(5000));
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(std::make_unique<fake::StoredAnswerStage>(entry));
  stages.push_back(make_compression_stage(policy()));
  const pipeline::Chain chain = chain_of(std::move(stages));
  Exchange run(chain, "GET", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(run.client().field("Content-Encoding"), "gzip");
  EXPECT_EQ(testing::gunzip(run.client().body), text(5000));
}

}  // namespace
}  // namespace centinela::compress
