// Single-head retrieval (sim/retrieval.h):
//   - per sample, the engine's needle mass and top-1 hits equal an independent brute force
//     (documented Philox counters, explicit long double rotations, long double softmax), on a
//     tiny case and on one whose keys span several weight chunks;
//   - identical for 1 and 2 threads and on a repeated run;
//   - statistically equal to a reference built from the Gaussian conditional law (given q, a
//     distractor's score is N(0, sigma^2 |q|^2 / d) whatever its position), drawn with a
//     different generator; the twin with the needle at the wrong offset must fail;
//   - behaviour the theory predicts for similar distractors (V-NIAH-D) when frames differ only
//     in t: zero temporal frequencies tie the needle with them (exchangeable: P = 1/(K + 1)),
//     low rotating temporal frequencies make the nearest frame win.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <omp.h>

#include "kernels/normal.h"
#include "sim/retrieval.h"
#include "sim/sampling.h"
#include "theory/input_error.h"
#include "theory/sidak.h"

namespace hopelab {
namespace {

constexpr long double kEps = 1.1102230246251565e-16L;  // double's unit roundoff, 2^-53

// RoPE recomputed here in long double from its definition: theta_i = b^(-2i/d), phi_i =
// Delta_axis(i) theta_i (0 for a zero-frequency pair), pair i on dimensions (i, i + d/2)
// (halves) or (2i, 2i + 1) (adjacent). Shares no code with the engine's rotation weights.
struct LongDoubleRope {
  explicit LongDoubleRope(const Method& method) : d(method.spectrum.head_dim) {
    for (int i = 0; i < d / 2; ++i) {
      const auto k = static_cast<size_t>(i);
      theta.push_back(std::pow(static_cast<long double>(method.spectrum.base), -2.0L * i / d));
      zero.push_back(method.allocation.zero[k] != 0);
      axis.push_back(method.allocation.axis[k]);
      a.push_back(method.allocation.layout == PairLayout::halves ? i : 2 * i);
      b.push_back(method.allocation.layout == PairLayout::halves ? i + d / 2 : 2 * i + 1);
    }
  }
  long double phase(int i, const Offset3& delta) const {
    const auto k = static_cast<size_t>(i);
    const Axis x = axis[k];
    return zero[k] ? 0.0L : (x == Axis::t ? delta.t : x == Axis::h ? delta.h : delta.w) * theta[k];
  }
  // <R(Delta) q, k>: q rotated explicitly pair by pair (query at Delta, key at 0), dotted with k.
  long double score(const std::vector<long double>& q, const std::vector<long double>& k, const Offset3& delta) const {
    long double sum = 0;
    for (int i = 0; i < d / 2; ++i) {
      const auto p = static_cast<size_t>(i);
      const auto da = static_cast<size_t>(a[p]), db = static_cast<size_t>(b[p]);
      const long double c = std::cos(phase(i, delta)), s = std::sin(phase(i, delta));
      sum += (q[da] * c - q[db] * s) * k[da] + (q[da] * s + q[db] * c) * k[db];  // (R q)_a k_a + (R q)_b k_b
    }
    return sum;
  }
  int d;
  std::vector<long double> theta;
  std::vector<bool> zero;
  std::vector<Axis> axis;
  std::vector<int> a, b;
};

// The test's own account of a setup's tokens: layout text, needle and similar token indices
// written out by hand from the definition (frame round(depth (F - 1)), centre cell H/2, W/2).
struct Tokens {
  std::string layout;
  std::int64_t needle = 0;
  std::vector<std::int64_t> similar;
};

Tokens tokens_of(std::int64_t a, std::int64_t f, std::int64_t h, std::int64_t w, std::int64_t b, int needle_frame,
                 const std::vector<int>& similar_frames) {
  Tokens t;
  t.layout = (a > 0 ? "text:" + std::to_string(a) + "," : std::string()) + "video:" + std::to_string(f) + "x" +
             std::to_string(h) + "x" + std::to_string(w) + ",text:" + std::to_string(b);
  const auto cell = [&](int frame) { return a + frame * h * w + (h / 2) * w + w / 2; };
  t.needle = cell(needle_frame);
  for (int frame : similar_frames) t.similar.push_back(cell(frame));
  return t;
}

struct BruteForceOutcome {
  long double mass = 0;
  bool hit = false, similar_hit = true;
  long double margin = 0;     // smallest |s* - s_j|: a tie within rounding would flip a hit
  long double tolerance = 0;  // bound on the engine's relative error of the mass
};

// One sample by explicit rotation: vectors from the documented counters (q: stream 0; needle
// noise: stream 2; key j: stream 2^31 + j; Gaussian components 2c, 2c+1 from draw c).
BruteForceOutcome brute_force_sample(const Method& method, const PreferenceSampling& cfg, const Tokens& tokens,
                                     std::int64_t s) {
  const int d = method.spectrum.head_dim;
  const LongDoubleRope rope(method);
  const PositionIds ids = assign_positions(method.design, parse_layout(tokens.layout));
  const std::int64_t keys = ids.size() - 1;
  const auto draw = [&](std::uint32_t stream) {
    std::vector<long double> z(static_cast<size_t>(d));
    for (int c = 0; c < d / 2; ++c) {
      const VariatePair<double> pair =
          normal_pair(cfg.seed, stream, static_cast<std::uint64_t>(s), static_cast<std::uint32_t>(c));
      z[static_cast<size_t>(2 * c)] = pair.first;
      z[static_cast<size_t>(2 * c + 1)] = pair.second;
    }
    return z;
  };
  std::vector<long double> q = draw(0);
  for (long double& v : q) v = cfg.mu + cfg.sigma * v;
  std::vector<long double> scores(static_cast<size_t>(keys));
  long double worst_error = 0;  // bound on |engine score - exact score|
  for (std::int64_t j = 0; j < keys; ++j) {
    const bool needle = j == tokens.needle;
    const bool similar = std::find(tokens.similar.begin(), tokens.similar.end(), j) != tokens.similar.end();
    std::vector<long double> k = draw(needle ? 2u : 0x80000000u + static_cast<std::uint32_t>(j));
    for (size_t i = 0; i < k.size(); ++i) {
      k[i] = needle || similar ? q[i] + cfg.eps * cfg.sigma * k[i] : cfg.mu + cfg.sigma * k[i];
    }
    const Position3 delta = ids.at(keys) - ids.at(j);
    scores[static_cast<size_t>(j)] = rope.score(q, k, delta) / std::sqrt(static_cast<long double>(d));
    // Error bound of the engine's double score sum_i C_i cos phi_i + S_i sin phi_i: each pair's
    // |C_i| + |S_i| <= (|q_a| + |q_b|)(|k_a| + |k_b|) =: m_i; the products and the 2P-term sum
    // add <= (2P + 2) eps sum_i m_i, and the phase phi_i = Delta theta_i is off by at most
    // |phi_i| (3 + |ln theta_i|) eps (docs/theory.md, error of the double result).
    long double bound = 0;
    for (int i = 0; i < d / 2; ++i) {
      const auto p = static_cast<size_t>(i);
      const auto qa = q[static_cast<size_t>(rope.a[p])], qb = q[static_cast<size_t>(rope.b[p])];
      const auto ka = k[static_cast<size_t>(rope.a[p])], kb = k[static_cast<size_t>(rope.b[p])];
      const long double m = (std::fabs(qa) + std::fabs(qb)) * (std::fabs(ka) + std::fabs(kb));
      const long double phi = std::fabs(rope.phase(i, delta));
      bound += m * ((d + 2) * kEps + phi * (3 - std::log(rope.theta[p])) * kEps);
    }
    worst_error = std::max(worst_error, bound / std::sqrt(static_cast<long double>(d)));
  }
  BruteForceOutcome out;
  const long double needle_score = scores[static_cast<size_t>(tokens.needle)];
  long double max = needle_score, best_other = -INFINITY, best_similar = -INFINITY;
  for (long double v : scores) max = std::max(max, v);
  long double sum = 0;
  for (long double v : scores) sum += std::exp(v - max);
  out.mass = std::exp(needle_score - max) / sum;
  out.margin = INFINITY;
  for (std::int64_t j = 0; j < keys; ++j) {
    if (j == tokens.needle) continue;
    const long double v = scores[static_cast<size_t>(j)];
    best_other = std::max(best_other, v);
    if (std::find(tokens.similar.begin(), tokens.similar.end(), j) != tokens.similar.end()) {
      best_similar = std::max(best_similar, v);
    }
    out.margin = std::min(out.margin, std::fabs(needle_score - v));
  }
  out.hit = needle_score > best_other;
  out.similar_hit = needle_score > best_similar;
  // mass = 1 / sum_j exp(s_j - s*): score errors e move it by a factor within exp(+-2 e); the
  // online softmax adds ~4 eps per key to the sum (one exp and one add or rescale).
  out.tolerance = 2 * worst_error + 4 * keys * kEps + 4 * kEps;
  return out;
}

void expect_equals_brute_force(const Method& method, const PreferenceSampling& cfg, const RetrievalSetup& setup,
                               const Tokens& tokens, long double required_tolerance) {
  const std::vector<RetrievalSample> got = retrieval_samples(method, cfg, setup);
  ASSERT_EQ(got.size(), static_cast<size_t>(cfg.samples));
  for (std::int64_t s = 0; s < cfg.samples; ++s) {
    const BruteForceOutcome ref = brute_force_sample(method, cfg, tokens, s);
    ASSERT_GT(ref.margin, 1e-9L) << "sample " << s << " sits within rounding of a tie; pick another seed";
    ASSERT_LE(ref.tolerance, required_tolerance) << "derived tolerance looser than the test promises";
    const auto& g = got[static_cast<size_t>(s)];
    EXPECT_LE(std::fabs(static_cast<long double>(g.mass) - ref.mass), ref.tolerance * ref.mass)
        << method.name << " sample " << s << ": engine " << g.mass << ", brute force " << static_cast<double>(ref.mass)
        << ", tolerance (relative) " << static_cast<double>(ref.tolerance);
    EXPECT_EQ(g.hit, ref.hit) << method.name << " sample " << s;
    EXPECT_EQ(g.similar_hit, ref.similar_hit) << method.name << " sample " << s;
  }
}

TEST(Retrieval, EqualsBruteForceOnATinyLayout) {
  // text:2, video:3x2x2, text:2: 15 keys, query token 15; depth 0.5 puts the needle in frame
  // round(0.5 * 2) = 1 at the centre cell (1, 1); period 1 makes frames 0 and 2 similar.
  RetrievalSetup setup;
  setup.text_before = 2;
  setup.frames = 3;
  setup.height = 2;
  setup.width = 2;
  setup.text_after = 2;
  setup.depth = 0.5;
  setup.similar_period = 1;
  const Tokens tokens = tokens_of(2, 3, 2, 2, 2, 1, {0, 2});
  PreferenceSampling cfg;
  cfg.seed = 3;
  cfg.samples = 60;
  cfg.sigma = 1.3;
  cfg.eps = 0.7;
  for (const char* name : {"videorope", "mrope", "vanilla", "hope"}) {
    for (PairLayout layout : {PairLayout::halves, PairLayout::adjacent}) {
      MethodOptions o;
      o.spectrum = {8, 100.0};
      o.layout = layout;
      const Method method = make_method(name, o);
      // Offsets <= 20 and d = 8: the derived bound is ~1e-14; the engine must meet 1e-12.
      expect_equals_brute_force(method, cfg, setup, tokens, 1e-12L);
    }
  }
}

TEST(Retrieval, EqualsBruteForceAcrossWeightChunks) {
  // d = 512 holds 2^21 / 512 = 4096 keys' weights per chunk; text:64, a 1x64x65 frame and
  // text:3 give 4226 keys, so the pass crosses a chunk boundary; the needle (token 4223, the
  // frame's last cell) is in the second chunk.
  MethodOptions o;
  o.spectrum = {512, 1e4};
  const Method method = make_method("mrope", o);
  RetrievalSetup setup;
  setup.text_before = 64;
  setup.frames = 1;
  setup.height = 64;
  setup.width = 65;
  setup.text_after = 3;
  setup.needle_row = 63;
  setup.needle_col = 64;
  Tokens tokens = tokens_of(64, 1, 64, 65, 3, 0, {});
  tokens.needle = 64 + 63 * 65 + 64;
  PreferenceSampling cfg;
  cfg.seed = 5;
  cfg.samples = 2;
  cfg.eps = 0.5;
  // 4226 keys of d = 512 at offsets up to ~130: the derived bound is a few 1e-12 relative.
  expect_equals_brute_force(method, cfg, setup, tokens, 1e-10L);
}

TEST(Retrieval, IdenticalForOneAndTwoThreadsAndRepeatedRuns) {
  MethodOptions o;
  o.spectrum = {32, 1e4};
  const Method method = make_method("hope", o);
  PreferenceSampling cfg;
  cfg.seed = 9;
  cfg.samples = 400;
  RetrievalSetup setup;
  setup.frames = 6;
  setup.height = 3;
  setup.width = 3;
  setup.similar_period = 2;
  omp_set_num_threads(1);
  const std::vector<RetrievalSample> one = retrieval_samples(method, cfg, setup);
  const RetrievalEstimate one_estimate = estimate_retrieval(method, cfg, setup);
  omp_set_num_threads(2);
  const std::vector<RetrievalSample> two = retrieval_samples(method, cfg, setup);
  const std::vector<RetrievalSample> again = retrieval_samples(method, cfg, setup);
  const RetrievalEstimate two_estimate = estimate_retrieval(method, cfg, setup);
  for (size_t s = 0; s < one.size(); ++s) {
    EXPECT_EQ(one[s].mass, two[s].mass) << s;  // bitwise
    EXPECT_EQ(one[s].mass, again[s].mass) << s;
    EXPECT_EQ(one[s].hit, two[s].hit) << s;
    EXPECT_EQ(one[s].similar_hit, two[s].similar_hit) << s;
  }
  EXPECT_EQ(one_estimate.mass, two_estimate.mass);
  EXPECT_EQ(one_estimate.mass_standard_error, two_estimate.mass_standard_error);
  EXPECT_EQ(one_estimate.hit_rate, two_estimate.hit_rate);
  EXPECT_EQ(one_estimate.similar_hit_rate, two_estimate.similar_hit_rate);
  omp_set_num_threads(omp_get_num_procs());
}

// Mean and standard error of the mass and of the hit indicators.
struct Summary {
  double mass = 0, mass_se = 0, hit = 0, hit_se = 0, similar = 0, similar_se = 0;
};

// The reference of the conditional law. With mu = 0 and q given, k_j = sigma z_j gives
// q^T R k_j / sqrt(d) ~ N(0, tau^2), tau = sigma |q| / sqrt(d), for every rotation R (|R^T q| =
// |q|), independently across keys; a key q + eps sigma xi at offset Delta scores
// a(Delta) + eps tau Z with a(Delta) = q^T R(Delta) q / sqrt(d) = sum_i cos(phi_i) (q_a^2 +
// q_b^2) / sqrt(d) (the sine terms of a vector with itself cancel). So a sample needs only q
// (d normals) and one normal per key, here from std::mt19937_64 and std::normal_distribution.
Summary conditional_reference(const Method& method, const PreferenceSampling& cfg, const RetrievalGeometry& g,
                              const Offset3& needle_offset, std::int64_t samples) {
  std::mt19937_64 rng(20240613);
  std::normal_distribution<double> normal;
  const int d = method.spectrum.head_dim;
  const LongDoubleRope rope(method);
  const long double root_d = std::sqrt(static_cast<long double>(d));
  long double mass_sum = 0, mass_sq = 0;
  std::int64_t hits = 0, similar_hits = 0;
  std::vector<long double> q(static_cast<size_t>(d));
  // cos(phi_i) at the needle's offset and at each similar distractor's: (P) each.
  const auto cosines = [&](const Offset3& delta) {
    std::vector<long double> c;
    for (int i = 0; i < d / 2; ++i) c.push_back(std::cos(rope.phase(i, delta)));
    return c;
  };
  const std::vector<long double> needle_cos = cosines(needle_offset);
  std::vector<std::vector<long double>> similar_cos;
  for (std::int64_t f : g.similar_frames) similar_cos.push_back(cosines(g.cell_offsets[static_cast<size_t>(f)]));
  const auto self_score = [&](const std::vector<long double>& v, const std::vector<long double>& c) {
    long double sum = 0;
    for (int i = 0; i < d / 2; ++i) {
      const auto p = static_cast<size_t>(i);
      const long double qa = v[static_cast<size_t>(rope.a[p])], qb = v[static_cast<size_t>(rope.b[p])];
      sum += c[p] * (qa * qa + qb * qb);
    }
    return sum;
  };
  for (std::int64_t s = 0; s < samples; ++s) {
    long double norm2 = 0;
    for (long double& v : q) {
      v = cfg.sigma * normal(rng);
      norm2 += v * v;
    }
    const long double tau = cfg.sigma * std::sqrt(norm2) / root_d;
    const long double needle = self_score(q, needle_cos) / root_d + cfg.eps * tau * normal(rng);
    long double best_other = -INFINITY, best_similar = -INFINITY, sum = 1;  // sum of exp(s_j - s*)
    for (const std::vector<long double>& c : similar_cos) {
      const long double v = self_score(q, c) / root_d + cfg.eps * tau * normal(rng);
      best_similar = std::max(best_similar, v);
      best_other = std::max(best_other, v);
      sum += std::exp(v - needle);
    }
    const auto plain = g.keys - 1 - static_cast<std::int64_t>(g.similar_frames.size());
    for (std::int64_t j = 0; j < plain; ++j) {
      const long double v = tau * normal(rng);
      best_other = std::max(best_other, v);
      sum += std::exp(v - needle);
    }
    const long double mass = 1 / sum;
    mass_sum += mass;
    mass_sq += mass * mass;
    hits += needle > best_other;
    similar_hits += needle > best_similar;
  }
  const auto n = static_cast<long double>(samples);
  Summary out;
  out.mass = static_cast<double>(mass_sum / n);
  out.mass_se = static_cast<double>(std::sqrt((mass_sq - n * (mass_sum / n) * (mass_sum / n)) / (n - 1) / n));
  const auto rate = [n](std::int64_t count, double* p, double* se) {
    *p = static_cast<double>(count / n);
    *se = static_cast<double>(std::sqrt(*p * (1 - *p) / n));
  };
  rate(hits, &out.hit, &out.hit_se);
  rate(similar_hits, &out.similar, &out.similar_se);
  return out;
}

TEST(Retrieval, MatchesTheGaussianConditionalLawAndTheWrongOffsetTwinFails) {
  // text:2, video:5x2x2, text:2 (23 keys), needle in the last frame, similar distractors in
  // frames 0 and 2: at d = 32 the needle wins about half the time.
  MethodOptions o;
  o.spectrum = {32, 100.0};
  const Method method = make_method("mrope", o);
  RetrievalSetup setup;
  setup.text_before = 2;
  setup.frames = 5;
  setup.height = 2;
  setup.width = 2;
  setup.text_after = 2;
  setup.depth = 1.0;
  setup.similar_period = 2;
  PreferenceSampling cfg;
  cfg.seed = 21;
  cfg.samples = 20000;
  cfg.sigma = 1.2;
  cfg.eps = 1.0;
  const RetrievalGeometry g = retrieval_geometry(method, setup);
  const RetrievalEstimate e = estimate_retrieval(method, cfg, setup);
  const Summary ref = conditional_reference(method, cfg, g, g.needle_offset, 40000);
  // Twin: the reference with the needle at frame 0's offset instead (a different a(Delta)).
  const Summary twin = conditional_reference(method, cfg, g, g.cell_offsets[0], 40000);
  // Two independent estimates: |engine - reference| <= z sqrt(SE_e^2 + SE_r^2), three checks.
  const double z = sidak_z(1e-6, 3);
  const struct {
    const char* what;
    double engine, engine_se, reference, reference_se, twin, twin_se;
  } checks[] = {
      {"mass", e.mass, e.mass_standard_error, ref.mass, ref.mass_se, twin.mass, twin.mass_se},
      {"hit rate", e.hit_rate, e.hit_standard_error, ref.hit, ref.hit_se, twin.hit, twin.hit_se},
      {"similar hit rate", e.similar_hit_rate, e.similar_hit_standard_error, ref.similar, ref.similar_se,
       twin.similar, twin.similar_se},
  };
  for (const auto& c : checks) {
    const double tol = z * std::hypot(c.engine_se, c.reference_se);
    EXPECT_LE(std::fabs(c.engine - c.reference), tol)
        << c.what << ": engine " << c.engine << ", reference " << c.reference << ", tolerance " << tol;
    const double twin_tol = z * std::hypot(c.engine_se, c.twin_se);
    EXPECT_GT(std::fabs(c.engine - c.twin), twin_tol)
        << "twin must fail: " << c.what << ": engine " << c.engine << ", wrong-offset reference " << c.twin
        << ", tolerance " << twin_tol;
  }
  // The case is informative: the hit rate is far from 0 and 1.
  EXPECT_GT(e.hit_rate, 0.2);
  EXPECT_LT(e.hit_rate, 0.8);
}

// Methods whose frames differ only in t at a fixed cell (qwen2vl design: (s + f, s + y, s + x))
// with VideoRoPE's allocation at d = 16, base 100: t on the two lowest pairs (theta 0.032 and
// 0.018), rotating (videorope) or at zero frequency (hope).
Method qwen2vl_design(const char* name) {
  MethodOptions o;
  o.spectrum = {16, 100.0};
  o.design = DesignKind::qwen2vl;
  return make_method(name, o);
}

RetrievalSetup similar_setup(double depth) {
  // text:4, video:7x2x2, text:4: the query at t = 14, frame f at t = 4 + f, so Delta t = 10 - f;
  // period 2 gives K = 3 similar distractors (depth 0: frames 2, 4, 6; depth 1: 0, 2, 4).
  RetrievalSetup setup;
  setup.text_before = 4;
  setup.frames = 7;
  setup.height = 2;
  setup.width = 2;
  setup.text_after = 4;
  setup.depth = depth;
  setup.similar_period = 2;
  return setup;
}

TEST(Retrieval, WithoutNoiseRotatingTimePicksTheNearestFrameAndZeroFrequenciesTie) {
  // eps = 0: a similar distractor is q itself, like the needle, so s* - s_f = q^T (R(Delta*) -
  // R(Delta_f)) q / sqrt(d) = sum_{i on t} (cos(Delta*_t theta_i) - cos(Delta_{f,t} theta_i))
  // (q_a^2 + q_b^2) / sqrt(d): the spatial pairs cancel (same cell, same h, w).
  //  - Rotating t with every phase Delta_t theta_i <= 10 * 0.032 < pi: cos falls as Delta_t
  //    grows, so the nearest frame (largest f) scores strictly highest for every q.
  //  - Zero-frequency t: the rotations are equal, the scores bitwise equal: never strictly above.
  PreferenceSampling cfg;
  cfg.seed = 2;
  cfg.samples = 200;
  cfg.eps = 0.0;
  const Method rotating = qwen2vl_design("videorope");
  const Method zero = qwen2vl_design("hope");
  const RetrievalEstimate near = estimate_retrieval(rotating, cfg, similar_setup(1.0));
  const RetrievalEstimate far = estimate_retrieval(rotating, cfg, similar_setup(0.0));
  const RetrievalEstimate tied = estimate_retrieval(zero, cfg, similar_setup(1.0));
  EXPECT_EQ(near.similar_distractors, 3);
  EXPECT_EQ(near.similar_hit_rate, 1.0) << "needle at the nearest frame must beat every similar distractor";
  EXPECT_EQ(far.similar_hit_rate, 0.0) << "needle at the farthest frame must lose to a nearer one";
  EXPECT_EQ(tied.similar_hit_rate, 0.0) << "zero temporal frequencies: exact ties, never strictly above";
  EXPECT_EQ(tied.hit_rate, 0.0);
}

TEST(Retrieval, ZeroTemporalFrequenciesLeaveSimilarDistractorsAtChance) {
  // eps > 0, t at zero frequency: the needle and its K similar distractors score
  // a + eps sigma (R^T q) . xi_f / sqrt(d) with one rotation R and i.i.d. xi_f, i.i.d. given q,
  // so each is the strict maximum with probability exactly 1 / (K + 1), at every depth.
  PreferenceSampling cfg;
  cfg.seed = 17;
  cfg.samples = 3000;
  cfg.eps = 0.5;
  const Method zero = qwen2vl_design("hope");
  const double z = sidak_z(1e-6, 2);
  for (double depth : {0.0, 1.0}) {
    const RetrievalEstimate e = estimate_retrieval(zero, cfg, similar_setup(depth));
    ASSERT_EQ(e.similar_distractors, 3);
    const double p = 1.0 / 4.0, se = std::sqrt(p * (1 - p) / e.n);  // binomial SE at the exact p
    EXPECT_LE(std::fabs(e.similar_hit_rate - p), z * se) << "depth " << depth << ": " << e.similar_hit_rate;
    // Twin: 1 / K (one similar distractor too few) must be rejected.
    const double wrong = 1.0 / 3.0, wrong_se = std::sqrt(wrong * (1 - wrong) / e.n);
    EXPECT_GT(std::fabs(e.similar_hit_rate - wrong), z * wrong_se) << "twin must fail at depth " << depth;
  }
}

// The similar distractors sit at frames f* +- k P (k >= 1) inside [0, F): counted here by
// walking outward from the needle frame, not by a residue. Needle frames that are not multiples
// of P tell "from the needle frame" apart from "from frame 0"; P = 1 (every other frame) and
// P >= F (none) are the edges. Each similar index is the needle's cell in that frame.
TEST(Retrieval, SimilarDistractorsAreCountedFromTheNeedleFrame) {
  const struct {
    std::int64_t frames;
    double depth;  // needle frame round(depth (F - 1))
    std::int64_t period;
  } cases[] = {
      {10, 4.0 / 9.0, 3},  // f* = 4: frames 1, 7 (from frame 0: 0, 3, 6, 9)
      {10, 5.0 / 9.0, 2},  // f* = 5: frames 1, 3, 7, 9
      {10, 1.0, 4},        // f* = 9: frames 1, 5
      {10, 0.0, 3},        // f* = 0: frames 3, 6, 9
      {7, 0.5, 1},         // f* = 3: every other frame
      {7, 0.5, 7},         // none: P >= F
      {7, 0.5, 4},         // f* = 3: frame 7 is outside, so none
      {7, 0.5, 3},         // f* = 3: frames 0, 6
  };
  const Method m = make_method("mrope");
  for (const auto& c : cases) {
    RetrievalSetup setup;
    setup.text_before = 5;
    setup.frames = c.frames;
    setup.height = 3;
    setup.width = 2;
    setup.text_after = 2;
    setup.depth = c.depth;
    setup.similar_period = c.period;
    const RetrievalGeometry g = retrieval_geometry(m, setup);
    const std::int64_t needle = std::llround(c.depth * static_cast<double>(c.frames - 1));
    ASSERT_EQ(g.needle_frame, needle);
    std::vector<std::int64_t> want;
    for (std::int64_t f = needle - c.period; f >= 0; f -= c.period) want.push_back(f);
    for (std::int64_t f = needle + c.period; f < c.frames; f += c.period) want.push_back(f);
    std::sort(want.begin(), want.end());
    const std::string label = "F = " + std::to_string(c.frames) + ", f* = " + std::to_string(needle) +
                              ", P = " + std::to_string(c.period);
    EXPECT_EQ(g.similar_frames, want) << label;
    ASSERT_EQ(g.similar_indices.size(), want.size()) << label;
    for (size_t k = 0; k < want.size(); ++k) {
      // text_before + f H W + row W + col, centre cell (row 1, col 1) of a 3 x 2 grid.
      EXPECT_EQ(g.similar_indices[k], 5 + want[k] * 6 + 1 * 2 + 1) << label << ", frame " << want[k];
    }
  }
}

TEST(Retrieval, GeometryFollowsTheDesignAndBadInputThrows) {
  RetrievalSetup setup;
  setup.text_before = 3;
  setup.frames = 4;
  setup.height = 3;
  setup.width = 4;
  setup.text_after = 2;
  setup.depth = 0.5;  // round(0.5 * 3) = 2 (half away from zero)
  setup.similar_period = 2;
  const RetrievalGeometry mrope = retrieval_geometry(make_method("mrope"), setup);
  EXPECT_EQ(mrope.keys, 3 + 48 + 2 - 1);
  EXPECT_EQ(mrope.needle_frame, 2);
  EXPECT_EQ(mrope.needle_row, 1);
  EXPECT_EQ(mrope.needle_col, 2);
  EXPECT_EQ(mrope.needle_index, 3 + 2 * 12 + 1 * 4 + 2);
  EXPECT_EQ(mrope.similar_frames, std::vector<std::int64_t>({0}));
  // qwen2vl: frame f of a block at s = 3 is (3 + f, 4, 5); text resumes at max(6, 5, 6) + 1 = 7,
  // the query is t = 8: offsets (5 - f, 4, 3).
  for (std::int64_t f = 0; f < 4; ++f) {
    EXPECT_TRUE(mrope.cell_offsets[static_cast<size_t>(f)] == (Position3{5.0 - static_cast<double>(f), 4, 3})) << f;
  }
  // HoPE's diagonal layout moves h and w with t: one frame nearer is (1, 1, 1) less offset, so
  // its zero temporal frequencies alone do not make frames indistinguishable.
  const RetrievalGeometry hope = retrieval_geometry(make_method("hope"), setup);
  const Position3 step = hope.cell_offsets[1] - hope.cell_offsets[2];
  EXPECT_TRUE(step == (Position3{1, 1, 1}));

  const Method m = make_method("mrope");
  const auto bad = [&](auto change) {
    RetrievalSetup r = setup;
    change(r);
    return r;
  };
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.frames = 0; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.height = 0; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.text_after = 0; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.text_before = -1; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.depth = 1.5; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.depth = std::nan(""); })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.similar_period = -1; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.needle_row = 3; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.needle_col = 4; })), InputError);
  EXPECT_THROW(retrieval_geometry(m, bad([](RetrievalSetup& r) { r.frames = std::int64_t{1} << 40; })), InputError);
  PreferenceSampling cfg;
  cfg.samples = 1;
  EXPECT_THROW(estimate_retrieval(m, cfg, setup), InputError);
}

}  // namespace
}  // namespace hopelab
