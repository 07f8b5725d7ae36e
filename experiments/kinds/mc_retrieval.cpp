#include "kinds/mc_retrieval.h"

#include "kinds/kind_support.h"
#include "params/distances.h"
#include "params/frame_grid.h"
#include "sim/backend_registry.h"
#include "sim/retrieval.h"
#include "theory/input_error.h"

namespace hopelab::kinds {

namespace {

struct RetrievalPrepared {
  Method method;
  PreferenceSampling cfg;
  PhasePrecision precision;
  std::vector<RetrievalSetup> setups;  // one per row
};

// The frame counts: frames, or frames, frames + frames_step, ... < frames_end.
std::vector<std::int64_t> frame_counts(const McRetrievalSettings& s) {
  constexpr std::int64_t kMaxCounts = 100'000;
  if (!s.frames_end) {
    if (s.frames_step) throw InputError("frames_step needs frames_end (a range of frame counts)");
    return {s.frames};
  }
  const std::int64_t end = *s.frames_end, step = s.frames_step.value_or(1);
  if (end <= s.frames) {
    throw InputError("frames_end must be > frames = " + std::to_string(s.frames) + ", got " + std::to_string(end));
  }
  if (step < 1) throw InputError("frames_step must be >= 1, got " + std::to_string(step));
  const std::int64_t count = (end - s.frames - 1) / step + 1;  // frames + (count - 1) step < end: no overflow
  if (count > kMaxCounts) {
    throw InputError("frames " + std::to_string(s.frames) + " to frames_end " + std::to_string(end) +
                     " has more than " + std::to_string(kMaxCounts) + " counts");
  }
  std::vector<std::int64_t> counts;
  for (std::int64_t k = 0; k < count; ++k) counts.push_back(s.frames + k * step);
  return counts;
}

RetrievalPrepared prepare_retrieval(const McRetrievalSettings& s, std::uint64_t seed) {
  RetrievalPrepared p{params::build_method(s.method), {}, params::parse_precision(s.precision), {}};
  p.cfg.seed = seed;
  p.cfg.samples = s.samples;
  p.cfg.sigma = s.sigma;
  p.cfg.eps = s.eps;
  validate_sampling(p.method, p.cfg);
  p.setups = retrieval_setups(s);
  return p;
}

void check(const McRetrievalSettings& s, std::uint64_t seed) { prepare_retrieval(s, seed); }

void compute(const McRetrievalSettings& s, std::uint64_t seed, results::RunRecord& r) {
  using namespace mc_retrieval;
  const RetrievalPrepared p = prepare_retrieval(s, seed);
  std::vector<double> depth, needle_offset, mass, mass_se, hit, hit_se, similar_hit, similar_se, n;
  std::vector<std::int64_t> frame_count, keys, needle_frame, similar;
  for (const RetrievalSetup& setup : p.setups) {
    const RetrievalEstimate e = current_backend().estimate_retrieval(p.method, p.cfg, setup, p.precision);
    frame_count.push_back(setup.frames);
    depth.push_back(setup.depth);
    keys.push_back(e.keys);
    needle_frame.push_back(e.needle_frame);
    needle_offset.insert(needle_offset.end(), {e.needle_offset.t, e.needle_offset.h, e.needle_offset.w});
    mass.push_back(e.mass);
    mass_se.push_back(e.mass_standard_error);
    hit.push_back(e.hit_rate);
    hit_se.push_back(e.hit_standard_error);
    similar.push_back(e.similar_distractors);
    similar_hit.push_back(e.similar_hit_rate);
    similar_se.push_back(e.similar_hit_standard_error);
    n.push_back(e.n);
  }
  const auto rows = static_cast<std::int64_t>(depth.size());
  if (s.frames_end) r.datasets.push_back(integers(kFrameCount, frame_count));
  r.datasets.push_back(numbers(kDepth, depth));
  r.datasets.push_back(integers(kKeys, keys));
  r.datasets.push_back(integers(kNeedleFrame, needle_frame));
  r.datasets.push_back(numbers(kNeedleOffset, needle_offset, {rows, 3}));
  r.datasets.push_back(numbers(kMass, mass));
  r.datasets.push_back(numbers(kMassStandardError, mass_se));
  r.datasets.push_back(numbers(kHitRate, hit));
  r.datasets.push_back(numbers(kHitStandardError, hit_se));
  r.datasets.push_back(integers(kSimilarDistractors, similar));
  r.datasets.push_back(numbers(kSimilarHitRate, similar_hit));
  r.datasets.push_back(numbers(kSimilarHitStandardError, similar_se));
  r.datasets.push_back(numbers(kN, n));
}

std::int64_t& samples(McRetrievalSettings& s) { return s.samples; }

// Samples times the keys of every row times the pairs.
double work(const McRetrievalSettings& s) {
  double keys = 0.0;
  for (const RetrievalSetup& r : retrieval_setups(s)) {
    keys += static_cast<double>(r.text_before + r.frames * r.height * r.width + r.text_after - 1);
  }
  return static_cast<double>(s.samples) * keys * static_cast<double>(s.method.head_dim / 2);
}

}  // namespace

std::vector<RetrievalSetup> retrieval_setups(const McRetrievalSettings& s) {
  RetrievalSetup base;
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  base.height = g.height;
  base.width = g.width;
  base.text_before = s.text_before;
  base.text_after = s.text_after;
  if (s.similar_period) base.similar_period = *s.similar_period;
  const params::GridCell cell = params::parse_grid_cell(s.needle_cell, "needle_cell");
  base.needle_row = cell.row;
  base.needle_col = cell.col;
  std::vector<RetrievalSetup> setups;
  for (std::int64_t frames : frame_counts(s)) {
    for (double depth : s.depth) {
      RetrievalSetup setup = base;
      setup.frames = frames;
      setup.depth = depth;
      validate_retrieval(setup);
      setups.push_back(setup);
    }
  }
  return setups;
}

const Kind& mc_retrieval_kind() {
  using namespace mc_retrieval;
  static const KindOf<McRetrievalSettings> kind(
      "mc-retrieval", "Monte Carlo needle retrieval in a video: softmax mass and top-1 rate at each depth",
      {"method", "frames"},
      {kFrameCount, kDepth, kKeys, kNeedleFrame, kNeedleOffset, kMass, kMassStandardError, kHitRate, kHitStandardError,
       kSimilarDistractors, kSimilarHitRate, kSimilarHitStandardError, kN},
      check, compute, samples, work);
  return kind;
}

}  // namespace hopelab::kinds
