// Tests of GEMINI Algorithm 2's greedy chunk packing (interleave.hpp): exact chunk counts per
// idle span, leftover chunks going to the unbounded tail, and the safety factor mu.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "gemini/interleave.hpp"

namespace gemini {
namespace {

// f(s) = 1 ms + s / (1 GB/s); R = 128 MB in p = 4 sub-buffers: chunks of 32 MB taking
// 1 ms + 32 ms = 33 ms each.
const LinearCost kCost{1e-3, 1e9};
constexpr double kBuffer = 128e6;
constexpr int kSub = 4;
constexpr double kChunk = 32e6;
constexpr double kChunkTime = 0.033;

std::vector<Span> spans_of_lengths(const std::vector<double>& lengths) {
  std::vector<Span> spans;
  double t = 0;
  for (double len : lengths) {
    t += 1.0;  // some busy network time before each gap
    spans.push_back({t, t + len});
    t += len;
  }
  return spans;
}

int64_t sum(const std::vector<int64_t>& v) { return std::accumulate(v.begin(), v.end(), int64_t{0}); }

TEST(InterleaveTest, ChunkSizeAndTime) {
  const ChunkPacking p = pack_checkpoint_chunks({}, 10 * kChunk, kBuffer, kSub, kCost, 0.9);
  EXPECT_DOUBLE_EQ(p.chunk_bytes, kChunk);
  EXPECT_NEAR(p.chunk_time_s, kChunkTime, 1e-15);
  EXPECT_EQ(p.total_chunks, 10);
  EXPECT_TRUE(p.chunks_in_span.empty());
  EXPECT_EQ(p.leftover_chunks, 10);  // no idle span at all: everything lengthens the iteration
}

TEST(InterleaveTest, ExactCountsPerSpan) {
  // mu = 1. Spans of 0.10 s, 0.05 s, 0.02 s and 1.00 s hold floor(len / 0.033) = 3, 1, 0 and 30
  // chunks. 40 chunks to send: 3 + 1 + 0 + 30 = 34 fit, 6 go to the tail.
  const auto spans = spans_of_lengths({0.10, 0.05, 0.02, 1.00});
  const ChunkPacking p = pack_checkpoint_chunks(spans, 40 * kChunk, kBuffer, kSub, kCost, 1.0);
  EXPECT_EQ(p.total_chunks, 40);
  EXPECT_EQ(p.chunks_in_span, (std::vector<int64_t>{3, 1, 0, 30}));
  EXPECT_EQ(p.leftover_chunks, 6);
}

TEST(InterleaveTest, GreedyInOrderStopsWhenEverythingIsPlaced) {
  // 5 chunks: the first span takes 3, the second its 1, the third none (too short), the big
  // fourth one the last 1, and a fifth span nothing.
  const auto spans = spans_of_lengths({0.10, 0.05, 0.02, 1.00, 1.00});
  const ChunkPacking p = pack_checkpoint_chunks(spans, 5 * kChunk, kBuffer, kSub, kCost, 1.0);
  EXPECT_EQ(p.chunks_in_span, (std::vector<int64_t>{3, 1, 0, 1, 0}));
  EXPECT_EQ(p.leftover_chunks, 0);
  EXPECT_EQ(sum(p.chunks_in_span) + p.leftover_chunks, p.total_chunks);
}

TEST(InterleaveTest, PartialChunkRoundsUp) {
  // 10 chunks and one byte need 11 chunks; zero bytes need none.
  EXPECT_EQ(pack_checkpoint_chunks({}, 10 * kChunk + 1, kBuffer, kSub, kCost, 0.9).total_chunks, 11);
  const auto spans = spans_of_lengths({0.5, 0.5});
  const ChunkPacking none = pack_checkpoint_chunks(spans, 0, kBuffer, kSub, kCost, 0.9);
  EXPECT_EQ(none.total_chunks, 0);
  EXPECT_EQ(none.chunks_in_span, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(none.leftover_chunks, 0);
}

TEST(InterleaveTest, LeftoverGoesToTheTail) {
  // Spans all shorter than one chunk: nothing fits, everything is leftover.
  const auto spans = spans_of_lengths({0.01, 0.02, 0.03, 0.0});
  const ChunkPacking p = pack_checkpoint_chunks(spans, 7 * kChunk, kBuffer, kSub, kCost, 1.0);
  EXPECT_EQ(p.chunks_in_span, (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(p.leftover_chunks, 7);
  // A span with end < start (measurement noise) holds nothing rather than a negative count.
  const ChunkPacking q = pack_checkpoint_chunks({{2.0, 1.0}, {3.0, 3.2}}, 7 * kChunk, kBuffer, kSub, kCost, 1.0);
  EXPECT_EQ(q.chunks_in_span, (std::vector<int64_t>{0, 6}));  // floor(0.2 / 0.033) = 6
  EXPECT_EQ(q.leftover_chunks, 1);
}

TEST(InterleaveTest, SafetyFactorScalesSpans) {
  // Same spans as ExactCountsPerSpan with mu = 0.5: floor(0.5 * len / 0.033) =
  // floor(1.515) = 1, floor(0.758) = 0, floor(0.303) = 0, floor(15.15) = 15; 40 - 16 = 24 left.
  const auto spans = spans_of_lengths({0.10, 0.05, 0.02, 1.00});
  const ChunkPacking p = pack_checkpoint_chunks(spans, 40 * kChunk, kBuffer, kSub, kCost, 0.5);
  EXPECT_EQ(p.chunks_in_span, (std::vector<int64_t>{1, 0, 0, 15}));
  EXPECT_EQ(p.leftover_chunks, 24);
  // mu = 0.9: floor(2.727) = 2, floor(1.364) = 1, floor(0.545) = 0, floor(27.27) = 27; 10 left.
  const ChunkPacking q = pack_checkpoint_chunks(spans, 40 * kChunk, kBuffer, kSub, kCost, 0.9);
  EXPECT_EQ(q.chunks_in_span, (std::vector<int64_t>{2, 1, 0, 27}));
  EXPECT_EQ(q.leftover_chunks, 10);
  // A smaller mu never packs more.
  for (double mu = 0.1; mu <= 1.0; mu += 0.1) {
    const ChunkPacking a = pack_checkpoint_chunks(spans, 40 * kChunk, kBuffer, kSub, kCost, mu);
    const ChunkPacking b = pack_checkpoint_chunks(spans, 40 * kChunk, kBuffer, kSub, kCost, mu + 0.05);
    EXPECT_LE(sum(a.chunks_in_span), sum(b.chunks_in_span)) << "mu " << mu;
  }
}

TEST(InterleaveTest, SubBuffersSetTheChunkSize) {
  // p = 1: one 128 MB chunk of 1 ms + 128 ms; a 1 s span holds floor(1 / 0.129) = 7.
  const ChunkPacking p = pack_checkpoint_chunks(spans_of_lengths({1.0}), 10 * 128e6, kBuffer, 1, kCost, 1.0);
  EXPECT_DOUBLE_EQ(p.chunk_bytes, 128e6);
  EXPECT_EQ(p.total_chunks, 10);
  EXPECT_EQ(p.chunks_in_span, std::vector<int64_t>{7});
  EXPECT_EQ(p.leftover_chunks, 3);
}

}  // namespace
}  // namespace gemini
