#include "sim/retrieval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "kernels/moments.h"
#include "kernels/online_softmax.h"
#include "kernels/pair_statistics.h"
#include "sim/device_sampling.h"
#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

namespace {

// Rotation weights held at once: keys_per_chunk * 2P <= this many doubles (16 MiB).
constexpr std::int64_t kChunkWeightDoubles = std::int64_t{1} << 21;
// Samples whose states are held at once (40 B each, 40 MiB): samples run in batches of this many,
// so memory does not grow with N.
constexpr std::int64_t kSampleBatch = std::int64_t{1} << 20;

enum KeyRole : std::uint8_t { kDistractor = 0, kNeedle = 1, kSimilar = 2 };

// One sample's pass over the keys so far: online softmax (running max and sum of
// exp(s_j - max)), the needle's score, and the best score of the other keys.
struct SampleState {
  double max, sum, needle, best_other, best_similar;
};

// Key `token` of a sample (the counter layout of kStreamRetrievalKeys). q, k: (d).
HOPELAB_HD inline void draw_key(const SamplingParams& p, int head_dim, std::int64_t sample, std::int64_t token,
                                std::uint8_t role, const double* q, double* k) {
  const auto counter = static_cast<std::uint64_t>(sample);
  const std::uint32_t stream = kStreamRetrievalKeys + static_cast<std::uint32_t>(token);
  if (role == kDistractor) {
    draw_vector(p, p.key_pool, stream, counter, head_dim, k);  // k = mu + s z, or a key pool's row
    return;
  }
  standard_components(p, role == kNeedle ? static_cast<std::uint32_t>(kStreamNoise) : stream, counter, head_dim, k);
  for (int j = 0; j < head_dim; ++j) k[j] = q[j] + p.eps * p.scales[j] * k[j];  // q + eps s xi
}

// Scores keys first_key .. first_key + count - 1 for sample first_sample + s and folds them into
// its state, keys in index order. w: (count, 2P); role: (count); state: (batch).
struct ScoreKeys {
  SamplingParams params;
  int head_dim;
  PairLayout layout;
  double sqrt_d;
  std::int64_t first_sample, first_key, count;
  const double* w;
  const std::uint8_t* role;
  SampleState* state;

  HOPELAB_HD void operator()(std::int64_t s) const {
    const int pairs = head_dim / 2;
    const std::int64_t sample = first_sample + s;
    double q[kMaxEstimatorHeadDim], k[kMaxEstimatorHeadDim], x[kMaxEstimatorHeadDim];
    draw_vector(params, params.query_pool, kStreamQuery, static_cast<std::uint64_t>(sample), head_dim, q);
    SampleState st = state[s];
    for (std::int64_t j = 0; j < count; ++j) {
      draw_key(params, head_dim, sample, first_key + j, role[j], q, k);
      pair_products(q, k, head_dim, layout, x);
      const double* wj = w + j * 2 * pairs;
      const double score = score_from_products(x, wj, wj + pairs, pairs) / sqrt_d;  // q^T R(Delta_j) k_j / sqrt(d)
      softmax_add(score, &st.max, &st.sum);  // online softmax: (max, sum of exp(s_j - max))
      if (role[j] == kNeedle) {
        st.needle = score;
      } else {
        st.best_other = score > st.best_other ? score : st.best_other;
        if (role[j] == kSimilar) st.best_similar = score > st.best_similar ? score : st.best_similar;
      }
    }
    state[s] = st;
  }
};

void require(bool ok, const std::string& message) {
  if (!ok) throw InputError(message);
}

}  // namespace

void validate_retrieval(const RetrievalSetup& r) {
  const std::string most = std::to_string(kMaxRetrievalKeys);
  require(r.frames >= 1, "retrieval needs frames >= 1, got " + std::to_string(r.frames));
  require(r.height >= 1 && r.width >= 1,
          "retrieval grid must be HxW >= 1x1, got " + std::to_string(r.height) + "x" + std::to_string(r.width));
  require(r.text_before >= 0, "text before the video must be >= 0 tokens, got " + std::to_string(r.text_before));
  require(r.text_after >= 1,
          "text after the video must be >= 1 token (the query is its last), got " + std::to_string(r.text_after));
  require(r.depth >= 0.0 && r.depth <= 1.0, "needle depth must be in [0, 1], got " + format_number(r.depth));
  require(r.similar_period >= 0,
          "similar-distractor period must be >= 1 (or 0 for none), got " + std::to_string(r.similar_period));
  require(r.needle_row >= -1 && r.needle_row < r.height,
          "needle row must be in [0, " + std::to_string(r.height - 1) + "], got " + std::to_string(r.needle_row));
  require(r.needle_col >= -1 && r.needle_col < r.width,
          "needle column must be in [0, " + std::to_string(r.width - 1) + "], got " + std::to_string(r.needle_col));
  // Keys = A + F H W + B - 1 <= kMaxRetrievalKeys, checked without overflow.
  const std::int64_t limit = kMaxRetrievalKeys;
  const bool fits = r.height <= limit && r.width <= limit / r.height && r.frames <= limit / (r.height * r.width) &&
                    r.text_before <= limit - r.frames * r.height * r.width &&
                    r.text_after - 1 <= limit - r.frames * r.height * r.width - r.text_before;
  require(fits, "retrieval layout text:" + std::to_string(r.text_before) + ",video:" + std::to_string(r.frames) + "x" +
                    std::to_string(r.height) + "x" + std::to_string(r.width) + ",text:" +
                    std::to_string(r.text_after) + " has more than " + most + " keys");
}

RetrievalGeometry retrieval_geometry(const Method& method, const RetrievalSetup& r) {
  validate_retrieval(r);
  RetrievalGeometry g;
  if (r.text_before > 0) g.layout.push_back({SegmentKind::text, r.text_before, 1, 1, 1});
  g.layout.push_back({SegmentKind::video, 0, r.frames, r.height, r.width});
  g.layout.push_back({SegmentKind::text, r.text_after, 1, 1, 1});
  g.positions = assign_positions(method.design, g.layout);
  g.keys = g.positions.size() - 1;

  g.needle_frame = std::llround(r.depth * static_cast<double>(r.frames - 1));  // depth in [0, 1]: in range
  g.needle_row = r.needle_row >= 0 ? r.needle_row : r.height / 2;
  g.needle_col = r.needle_col >= 0 ? r.needle_col : r.width / 2;
  const auto cell_index = [&](std::int64_t f) {
    return r.text_before + f * r.height * r.width + g.needle_row * r.width + g.needle_col;
  };
  g.needle_index = cell_index(g.needle_frame);
  const Position3 query = g.positions.at(g.keys);
  for (std::int64_t f = 0; f < r.frames; ++f) {
    g.cell_offsets.push_back(query - g.positions.at(cell_index(f)));
    if (r.similar_period > 0 && f != g.needle_frame && (f - g.needle_frame) % r.similar_period == 0) {
      g.similar_frames.push_back(f);
      g.similar_indices.push_back(cell_index(f));
    }
  }
  g.needle_offset = g.cell_offsets[static_cast<size_t>(g.needle_frame)];
  return g;
}

namespace {

// Every sample's outcome for a geometry already laid out (retrieval_geometry), handed to
// take(outcomes) in batches of at most kSampleBatch samples, in sample order. A sample's outcome
// does not depend on the batch it is in.
template <class Take>
void for_each_sample_batch(const Method& method, const PreferenceSampling& cfg, const RetrievalGeometry& g,
                           PhasePrecision precision, Take&& take) {
  validate_sampling(method, cfg);
  const int head_dim = method.spectrum.head_dim;
  const int pairs = method.spectrum.pairs();
  const std::vector<double> theta = rope_frequencies(method.spectrum);
  const DeviceSampling sampling(cfg, head_dim);  // scales and pools on the backend's device

  std::vector<std::uint8_t> roles(static_cast<size_t>(g.keys), kDistractor);  // (L)
  roles[static_cast<size_t>(g.needle_index)] = kNeedle;
  for (std::int64_t j : g.similar_indices) roles[static_cast<size_t>(j)] = kSimilar;

  // Keys in chunks, in index order; within a chunk every sample runs its keys in order, so each
  // sample's state sees the same sequence of operations for any thread count. State: (batch).
  const double inf = std::numeric_limits<double>::infinity();
  const SampleState fresh{-inf, 0.0, 0.0, -inf, -inf};
  const std::int64_t batch = std::min(cfg.samples, kSampleBatch);
  thrust::device_vector<SampleState> state_d(static_cast<size_t>(batch));
  std::vector<SampleState> state(static_cast<size_t>(batch));
  const std::int64_t chunk = std::max<std::int64_t>(1, std::min(g.keys, kChunkWeightDoubles / (2 * pairs)));
  std::vector<double> w(static_cast<size_t>(chunk * 2 * pairs));  // (chunk, 2P)
  thrust::device_vector<double> w_d(w.size());
  thrust::device_vector<std::uint8_t> role_d(static_cast<size_t>(chunk));
  const Position3 query = g.positions.at(g.keys);
  std::vector<RetrievalSample> out;
  for (std::int64_t first_sample = 0; first_sample < cfg.samples; first_sample += batch) {
    const std::int64_t samples = std::min(batch, cfg.samples - first_sample);
    thrust::fill(state_d.begin(), state_d.begin() + samples, fresh);
    for (std::int64_t first = 0; first < g.keys; first += chunk) {
      const std::int64_t count = std::min(chunk, g.keys - first);
      for (std::int64_t j = 0; j < count; ++j) {  // w(Delta_j), Delta_j = pos(query) - pos(key j)
        rotation_weights(method, theta, query - g.positions.at(first + j), precision, w.data() + j * 2 * pairs);
      }
      thrust::copy(w.begin(), w.begin() + count * 2 * pairs, w_d.begin());
      thrust::copy(roles.begin() + first, roles.begin() + first + count, role_d.begin());
      thrust::for_each(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(samples),
                       ScoreKeys{sampling.params(), head_dim, method.allocation.layout,
                                 std::sqrt(static_cast<double>(head_dim)), first_sample, first, count,
                                 thrust::raw_pointer_cast(w_d.data()), thrust::raw_pointer_cast(role_d.data()),
                                 thrust::raw_pointer_cast(state_d.data())});
    }
    thrust::copy(state_d.begin(), state_d.begin() + samples, state.begin());
    out.clear();
    for (std::int64_t s = 0; s < samples; ++s) {
      const SampleState& st = state[static_cast<size_t>(s)];
      out.push_back({std::exp(st.needle - st.max) / st.sum, st.needle > st.best_other, st.needle > st.best_similar});
    }
    take(out);
  }
}

}  // namespace

std::vector<RetrievalSample> retrieval_samples(const Method& method, const PreferenceSampling& cfg,
                                               const RetrievalSetup& setup, PhasePrecision precision) {
  std::vector<RetrievalSample> all;
  for_each_sample_batch(method, cfg, retrieval_geometry(method, setup), precision,
                        [&](const std::vector<RetrievalSample>& batch) { all.insert(all.end(), batch.begin(), batch.end()); });
  return all;
}

RetrievalEstimate estimate_retrieval(const Method& method, const PreferenceSampling& cfg, const RetrievalSetup& setup,
                                     PhasePrecision precision) {
  const RetrievalGeometry g = retrieval_geometry(method, setup);
  // Per batch, in sample order: the sum of masses (the mean is their sum over n, whatever the
  // batches), and two passes over the batch (its mean, then its squared deviations) merged
  // into the whole's by Chan's formula (kernels/moments.h): one batch gives the two-pass answer.
  double mass_sum = 0.0;
  std::int64_t hits = 0, similar_hits = 0;
  Moments moments;
  for_each_sample_batch(method, cfg, g, precision, [&](const std::vector<RetrievalSample>& batch) {
    double batch_sum = 0.0;
    for (const RetrievalSample& s : batch) {
      mass_sum += s.mass;
      batch_sum += s.mass;
      hits += s.hit;
      similar_hits += s.similar_hit;
    }
    Moments b;
    b.n = static_cast<double>(batch.size());
    b.mean = batch_sum / b.n;
    for (const RetrievalSample& s : batch) b.m2 += (s.mass - b.mean) * (s.mass - b.mean);
    moments = merge(moments, b);
  });
  const double n = moments.n;
  const double mass = mass_sum / n;
  const double squares = moments.m2;
  const auto rate_error = [n](double p) { return std::sqrt(p * (1.0 - p) / n); };
  RetrievalEstimate e;
  e.mass = mass;
  e.mass_standard_error = std::sqrt(squares / (n - 1.0) / n);
  e.hit_rate = static_cast<double>(hits) / n;
  e.hit_standard_error = rate_error(e.hit_rate);
  e.similar_hit_rate = static_cast<double>(similar_hits) / n;
  e.similar_hit_standard_error = rate_error(e.similar_hit_rate);
  e.n = n;
  e.keys = g.keys;
  e.similar_distractors = static_cast<std::int64_t>(g.similar_indices.size());
  e.needle_frame = g.needle_frame;
  e.needle_row = g.needle_row;
  e.needle_col = g.needle_col;
  e.needle_offset = g.needle_offset;
  return e;
}

}  // namespace hopelab
