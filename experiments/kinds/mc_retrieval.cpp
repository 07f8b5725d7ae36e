#include "kinds/mc_retrieval.h"

#include "kinds/kind_support.h"
#include "params/distances.h"
#include "params/frame_grid.h"
#include "sim/retrieval.h"

namespace hopelab::kinds {

namespace {

struct RetrievalPrepared {
  Method method;
  PreferenceSampling cfg;
  PhasePrecision precision;
  std::vector<RetrievalSetup> setups;  // one per depth
};

RetrievalPrepared prepare_retrieval(const McRetrievalSettings& s, std::uint64_t seed) {
  RetrievalPrepared p{params::build_method(s.method), {}, params::parse_precision(s.precision), {}};
  p.cfg.seed = seed;
  p.cfg.samples = s.samples;
  p.cfg.sigma = s.sigma;
  p.cfg.eps = s.eps;
  validate_sampling(p.method, p.cfg);
  RetrievalSetup base;
  const params::FrameGrid g = params::parse_frame_grid(s.grid);
  base.height = g.height;
  base.width = g.width;
  base.frames = s.frames;
  base.text_before = s.text_before;
  base.text_after = s.text_after;
  if (s.similar_period) base.similar_period = *s.similar_period;
  const params::GridCell cell = params::parse_grid_cell(s.needle_cell, "needle_cell");
  base.needle_row = cell.row;
  base.needle_col = cell.col;
  for (double depth : s.depth) {
    RetrievalSetup setup = base;
    setup.depth = depth;
    validate_retrieval(setup);
    p.setups.push_back(setup);
  }
  return p;
}

void check(const McRetrievalSettings& s, std::uint64_t seed) { prepare_retrieval(s, seed); }

void compute(const McRetrievalSettings& s, std::uint64_t seed, results::RunRecord& r) {
  using namespace mc_retrieval;
  const RetrievalPrepared p = prepare_retrieval(s, seed);
  std::vector<double> depth, needle_offset, mass, mass_se, hit, hit_se, similar_hit, similar_se, n;
  std::vector<std::int64_t> keys, needle_frame, similar;
  for (const RetrievalSetup& setup : p.setups) {
    const RetrievalEstimate e = estimate_retrieval(p.method, p.cfg, setup, p.precision);
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

}  // namespace

const Kind& mc_retrieval_kind() {
  using namespace mc_retrieval;
  static const KindOf<McRetrievalSettings> kind(
      "mc-retrieval", "Monte Carlo needle retrieval in a video: softmax mass and top-1 rate at each depth",
      {"method", "frames"},
      {kDepth, kKeys, kNeedleFrame, kNeedleOffset, kMass, kMassStandardError, kHitRate, kHitStandardError,
       kSimilarDistractors, kSimilarHitRate, kSimilarHitStandardError, kN},
      check, compute, samples);
  return kind;
}

}  // namespace hopelab::kinds
