#pragma once
// Single-head retrieval (the V-NIAH idea at the level of one attention head): a query, a needle
// key k* = q + eps s xi similar to it and L - 1 distractor keys k = mu + s z, at the positions a
// method's design gives a layout text:A, video:FxHxW, text:B. The query is the last token; every
// other token is a key. Score s_j = q^T R(Delta_j) k_j / sqrt(d), Delta_j = pos(query) - pos(j).
// Per sample: the needle's softmax mass exp(s*) / sum_j exp(s_j) and whether it is the strict
// top-1 (docs/theory.md, "Single-head retrieval"). Counter layout: see kStreamRetrievalKeys.
// Thrust over samples in batches of 2^20, keys in chunks of 2^21 / 2P with host-computed rotation
// weights: memory O(min(N, 2^20) + L), work O(N L d); each sample folds its keys in index order
// (thread-count and batch invariant).

#include <cstdint>
#include <vector>

#include "sim/sampling.h"
#include "theory/position_design.h"

namespace hopelab {

// Random streams of retrieval (Philox counter = (sample, draw, stream), key = seed):
//   q        stream kStreamQuery (draw_vector, as sim/sampling.h draws q)
//   needle   xi from stream kStreamNoise: k* = q + eps s xi, the k* of sim/sampling.h
//   key j    stream kStreamRetrievalKeys + j (j = token index in the layout, j != the needle's):
//            a distractor k_j = draw_vector(key pool, that stream) = mu + s z_j (or a key pool
//            row under the empirical law), a similar distractor k_j = q + eps s xi'_j with xi'_j
//            the stream's standard_components.
// Every vector reads draws 0.. of its own stream as sim/sampling.h does, so a sample's numbers
// depend only on (seed, sample, token index): not on threads, key chunks or backend.
constexpr std::uint32_t kStreamRetrievalKeys = 0x80000000u;
// Keys a layout may hold: the key streams must fit below 2^32.
constexpr std::int64_t kMaxRetrievalKeys = 0x7fffffff;

// The layout text:text_before, video:frames x height x width, text:text_after; the needle is the
// visual token at (frame round(depth (F - 1)), needle_row, needle_col).
struct RetrievalSetup {
  std::int64_t text_before = 16;  // A >= 0
  std::int64_t frames = 1;        // F >= 1
  std::int64_t height = 1;        // H >= 1
  std::int64_t width = 1;         // W >= 1
  std::int64_t text_after = 16;   // B >= 1: the query is its last token
  double depth = 0.5;             // in [0, 1]: 0 the first frame, 1 the last
  std::int64_t needle_row = -1;   // -1: the centre row H / 2
  std::int64_t needle_col = -1;   // -1: the centre column W / 2
  // P >= 1: visual tokens in the needle's cell at frames f != f* with (f - f*) % P == 0 are
  // similar distractors q + eps s xi' (V-NIAH-D). 0: none.
  std::int64_t similar_period = 0;
};

// Where the tokens of a setup sit. Token indices follow the layout; the query is token L.
struct RetrievalGeometry {
  Layout layout;
  PositionIds positions;                      // (L + 1) tokens
  std::int64_t keys = 0;                      // L
  std::int64_t needle_frame = 0, needle_row = 0, needle_col = 0;
  std::int64_t needle_index = 0;              // token index of the needle
  std::vector<std::int64_t> similar_frames;   // frames of the similar distractors, ascending
  std::vector<std::int64_t> similar_indices;  // their token indices
  std::vector<Offset3> cell_offsets;          // (F) pos(query) - pos(needle's cell at frame f)
  Offset3 needle_offset;                      // cell_offsets[needle_frame]
};

// Throws InputError naming a bad value: a size out of range, depth outside [0, 1], a negative
// period, a needle cell outside the grid, more than kMaxRetrievalKeys keys.
void validate_retrieval(const RetrievalSetup& setup);
RetrievalGeometry retrieval_geometry(const Method& method, const RetrievalSetup& setup);

struct RetrievalSample {
  double mass = 0.0;         // exp(s*) / sum_j exp(s_j)
  bool hit = false;          // s* > s_j for every key j != needle
  bool similar_hit = false;  // s* > s_j for every similar distractor (true when there is none)
};

struct RetrievalEstimate {
  double mass = 0.0, mass_standard_error = 0.0;  // mean and s / sqrt(n) over samples
  double hit_rate = 0.0, hit_standard_error = 0.0;
  double similar_hit_rate = 0.0, similar_hit_standard_error = 0.0;  // 1, 0 without similar keys
  double n = 0.0;
  std::int64_t keys = 0;                // L
  std::int64_t similar_distractors = 0; // K
  std::int64_t needle_frame = 0, needle_row = 0, needle_col = 0;
  Offset3 needle_offset;
};

// Every sample's outcome, (N). For tests and small runs: holds N values on the host.
std::vector<RetrievalSample> retrieval_samples(const Method& method, const PreferenceSampling& sampling,
                                               const RetrievalSetup& setup,
                                               PhasePrecision precision = PhasePrecision::fp64);

// Means and standard errors over N samples, reduced in sample order (identical for any thread
// count). Throws InputError for bad sampling (validate_sampling) or setup (validate_retrieval).
RetrievalEstimate estimate_retrieval(const Method& method, const PreferenceSampling& sampling,
                                     const RetrievalSetup& setup, PhasePrecision precision = PhasePrecision::fp64);

}  // namespace hopelab
