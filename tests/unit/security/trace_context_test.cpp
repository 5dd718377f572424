#include "security/trace_context.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace centinela::security {
namespace {

constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kParentId = "00f067aa0ba902b7";
constexpr std::string_view kSpecExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool is_lower_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

TEST(TraceparentTest, ParsesTheSpecExample) {
  const auto trace = parse_traceparent(kSpecExample);
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->trace_id, kTraceId);
  EXPECT_EQ(trace->span_id, kParentId);
  EXPECT_EQ(trace->flags, 1);
}

TEST(TraceparentTest, KeepsAllFlagsOfVersion00) {
  const auto unsampled =
      parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled);
  EXPECT_EQ(unsampled->flags, 0);
  const auto random_and_sampled =
      parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  ASSERT_TRUE(random_and_sampled);
  EXPECT_EQ(random_and_sampled->flags, 3);
}

TEST(TraceparentTest, RejectsMalformedHeaders) {
  const char* invalid[] = {
      "",
      "00",
      // upper-case hex
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
      "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      // all-zero ids
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      // forbidden version
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      // version 00 must be exactly 55 characters
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011",
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
      // wrong separators or field lengths
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
      "00-4bf92f3577b34da6a3ce929d0e0e47366-0f067aa0ba902b7-01",
      // not hex
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
      " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  };
  for (const char* header : invalid) {
    EXPECT_FALSE(parse_traceparent(header)) << header;
  }
}

TEST(TraceparentTest, ReadsLaterVersionsByTheirFirstFourFields) {
  const auto longer = parse_traceparent(
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->trace_id, kTraceId);
  EXPECT_EQ(longer->span_id, kParentId);
  EXPECT_EQ(longer->flags, 1);

  EXPECT_TRUE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  // Anything after the flags must start a new field.
  EXPECT_FALSE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
  // Too short is too short whatever the version.
  EXPECT_FALSE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"));
}

TEST(TraceparentTest, LaterVersionsKeepOnlyTheSampledFlag) {
  const auto trace = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff");
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->flags, 1);
}

TEST(TraceContinuationTest, ContinuesAValidTraceWithANewSpan) {
  const stage::TraceContext trace =
      continue_or_start_trace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  EXPECT_EQ(trace.trace_id, kTraceId);
  EXPECT_EQ(trace.flags, 0);
  ASSERT_EQ(trace.span_id.size(), 16u);
  EXPECT_TRUE(is_lower_hex(trace.span_id));
  EXPECT_NE(trace.span_id, kParentId);
  EXPECT_NE(trace.span_id, "0000000000000000");
}

TEST(TraceContinuationTest, StartsANewTraceWhenTheHeaderIsMissingOrInvalid) {
  for (std::string_view incoming :
       {std::string_view(), std::string_view("garbage"),
        std::string_view("00-00000000000000000000000000000000-00f067aa0ba902b7-01")}) {
    const stage::TraceContext trace = continue_or_start_trace(incoming);
    ASSERT_EQ(trace.trace_id.size(), 32u);
    EXPECT_TRUE(is_lower_hex(trace.trace_id));
    EXPECT_NE(trace.trace_id, std::string(32, '0'));
    ASSERT_EQ(trace.span_id.size(), 16u);
    EXPECT_TRUE(is_lower_hex(trace.span_id));
    EXPECT_EQ(trace.flags, 1);
  }
}

TEST(TraceContinuationTest, NewTracesAndSpansAreDistinct) {
  std::set<std::string> trace_ids;
  std::set<std::string> span_ids;
  for (int i = 0; i < 1000; ++i) {
    const stage::TraceContext trace = continue_or_start_trace("");
    trace_ids.insert(trace.trace_id);
    span_ids.insert(trace.span_id);
  }
  EXPECT_EQ(trace_ids.size(), 1000u);
  EXPECT_EQ(span_ids.size(), 1000u);
}

TEST(TraceContinuationTest, ReusedContextIsOverwritten) {
  stage::TraceContext trace = continue_or_start_trace("");
  continue_or_start_trace(kSpecExample, trace);
  EXPECT_EQ(trace.trace_id, kTraceId);
  EXPECT_EQ(trace.flags, 1);
  const std::string continued_trace = trace.trace_id;
  continue_or_start_trace("not a traceparent", trace);
  EXPECT_EQ(trace.trace_id.size(), 32u);
  EXPECT_NE(trace.trace_id, continued_trace);
}

TEST(TraceparentFormatTest, FormatsVersion00) {
  stage::TraceContext trace;
  trace.trace_id = std::string(kTraceId);
  trace.span_id = "b7ad6b7169203331";
  trace.flags = 1;
  EXPECT_EQ(format_traceparent(trace), "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01");
  trace.flags = 0x0a;
  EXPECT_EQ(format_traceparent(trace), "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-0a");
}

TEST(TraceparentFormatTest, WhatTheGatewaySendsParsesBack) {
  const stage::TraceContext trace = continue_or_start_trace(kSpecExample);
  const std::string header = format_traceparent(trace);
  EXPECT_EQ(header.size(), kTraceparentLength);
  const auto parsed = parse_traceparent(header);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->trace_id, kTraceId);
  EXPECT_EQ(parsed->span_id, trace.span_id);
  EXPECT_EQ(parsed->flags, 1);
}

TEST(TraceContinuationTest, RemembersTheClientsSpanAsParentAndForgetsTheLastRequests) {
  stage::TraceContext trace;
  trace.traced = true;
  trace.upstream_span_id.fill('a');
  continue_or_start_trace(kSpecExample, trace);
  EXPECT_EQ(std::string_view(trace.parent_id.data(), trace.parent_id.size()), kParentId);
  EXPECT_FALSE(trace.traced);
  EXPECT_EQ(trace.upstream_span_id[0], 0);
  continue_or_start_trace("not a traceparent", trace);
  EXPECT_EQ(trace.parent_id[0], 0);  // a trace of its own: no parent
  EXPECT_NE(trace.trace_id, kTraceId);
}

}  // namespace
}  // namespace centinela::security
