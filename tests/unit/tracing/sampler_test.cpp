// Parent-based sampling over a trace-id ratio: the client's sampled flag is
// followed, anything else is decided from the trace id alone.
#include "tracing/sampler.h"

#include <gtest/gtest.h>

#include <string>

#include "security/trace_context.h"

namespace centinela::tracing {
namespace {

constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kParentId = "00f067aa0ba902b7";

config::TracingConfig with_ratio(double ratio) {
  config::TracingConfig tracing;
  tracing.sample_ratio = ratio;
  return tracing;
}

// A trace id whose last 56 bits are `random`.
std::string trace_id_with_random(std::uint64_t random) {
  char tail[15];
  std::snprintf(tail, sizeof tail, "%014llx", static_cast<unsigned long long>(random));
  return "0123456789abcdef01" + std::string(tail);
}

TEST(SamplerTest, RatioSamplingIsDecidedByTheIdsLast56Bits) {
  const std::uint64_t half = std::uint64_t{1} << 55;
  EXPECT_TRUE(ratio_samples(trace_id_with_random(half), 0.5));
  EXPECT_FALSE(ratio_samples(trace_id_with_random(half - 1), 0.5));
  EXPECT_TRUE(ratio_samples(trace_id_with_random((std::uint64_t{1} << 56) - 1), 0.001));
  EXPECT_FALSE(ratio_samples(trace_id_with_random(0), 0.999));
  // The first 18 digits do not count.
  EXPECT_EQ(ratio_samples("ffffffffffffffffff" + trace_id_with_random(half).substr(18), 0.5),
            ratio_samples(trace_id_with_random(half), 0.5));
}

TEST(SamplerTest, ZeroNeverOneAlwaysMalformedNever) {
  for (std::uint64_t random :
       {std::uint64_t{0}, std::uint64_t{12345}, (std::uint64_t{1} << 56) - 1}) {
    EXPECT_FALSE(ratio_samples(trace_id_with_random(random), 0.0));
    EXPECT_TRUE(ratio_samples(trace_id_with_random(random), 1.0));
  }
  EXPECT_FALSE(ratio_samples("short", 1.0));
  EXPECT_FALSE(ratio_samples("4bf92f3577b34da6a3ce929d0e0e473G", 1.0));
}

TEST(SamplerTest, ARatioSamplesAboutThatShareOfRandomTraces) {
  int sampled = 0;
  constexpr int kTraces = 20000;
  for (int i = 0; i < kTraces; ++i) {
    const stage::TraceContext trace = security::continue_or_start_trace("");
    sampled += ratio_samples(trace.trace_id, 0.25) ? 1 : 0;
  }
  EXPECT_NEAR(sampled / double(kTraces), 0.25, 0.02);
}

TEST(SamplerTest, WithoutTracingNothingChanges) {
  stage::TraceContext trace = security::continue_or_start_trace("");
  decide_sampling(trace, std::nullopt);
  EXPECT_EQ(trace.flags, 1);
  EXPECT_FALSE(trace.traced);
  EXPECT_EQ(trace.upstream_span_id[0], 0);
}

TEST(SamplerTest, AClientsSampledFlagIsFollowedAtRatioZero) {
  stage::TraceContext trace = security::continue_or_start_trace(
      "00-" + std::string(kTraceId) + "-" + std::string(kParentId) + "-01");
  decide_sampling(trace, with_ratio(0.0));
  EXPECT_TRUE(trace.traced);
  EXPECT_EQ(trace.flags & 1, 1);
  EXPECT_EQ(std::string_view(trace.parent_id.data(), 16), kParentId);
  const std::string_view upstream(trace.upstream_span_id.data(), 16);
  EXPECT_EQ(upstream.find_first_not_of("0123456789abcdef"), std::string_view::npos);
  EXPECT_NE(upstream, trace.span_id);
  EXPECT_NE(upstream, kParentId);
}

TEST(SamplerTest, AnUnsampledClientTraceIsDecidedByTheRatio) {
  const std::string header = "00-" + std::string(kTraceId) + "-" + std::string(kParentId) + "-00";
  stage::TraceContext kept = security::continue_or_start_trace(header);
  decide_sampling(kept, with_ratio(0.0));
  EXPECT_FALSE(kept.traced);
  EXPECT_EQ(kept.flags & 1, 0);
  stage::TraceContext taken = security::continue_or_start_trace(header);
  decide_sampling(taken, with_ratio(1.0));
  EXPECT_TRUE(taken.traced);
  EXPECT_EQ(taken.flags & 1, 1);
}

TEST(SamplerTest, ANewTraceAtRatioZeroGoesUpstreamUnsampled) {
  stage::TraceContext trace = security::continue_or_start_trace("");
  decide_sampling(trace, with_ratio(0.0));
  EXPECT_FALSE(trace.traced);
  EXPECT_EQ(trace.flags, 0);
  EXPECT_EQ(trace.upstream_span_id[0], 0);
  EXPECT_EQ(trace.parent_id[0], 0);
}

}  // namespace
}  // namespace centinela::tracing
