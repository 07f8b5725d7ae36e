#include "batch/execute_unit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "batch/unit_datasets.h"
#include "batch/vlm_frame_match_unit.h"
#include "cli_grid.h"
#include "cli_mc_options.h"
#include "cli_method_options.h"
#include "sim/preference_estimator.h"
#include "sim/preference_sweep.h"
#include "sim/retrieval.h"
#include "sim/win_probability.h"
#include "theory/base_bound.h"
#include "theory/critical_length.h"
#include "theory/first_violation.h"
#include "theory/input_error.h"
#include "theory/position_design.h"
#include "theory/sign_flip.h"
#include "theory/text_parse.h"

namespace hopelab::batch {

namespace {

using cli::FrameGrid;
using cli::parse_frame_grid;

using results::Attribute;
using results::Dataset;
using results::RunRecord;

// ---- datasets (numbers, integers: batch/unit_datasets.h) ----------------------------------

Dataset offsets_dataset(const std::vector<Offset3>& offsets) {
  std::vector<double> flat;
  for (const Offset3& o : offsets) flat.insert(flat.end(), {o.t, o.h, o.w});
  return numbers("offsets", "position", flat, "position offsets (t, h, w), (M, 3)",
                 {static_cast<std::int64_t>(offsets.size()), 3});
}

// ---- the visitor writing a unit's fields as attributes --------------------------------------

struct AttributeWriter {
  std::vector<Attribute>& out;
  // "seed" is written once per record, as the unit's effective seed (execute_unit).
  void operator()(const char* key, const std::string& v, const char*) { out.push_back({key, v}); }
  void operator()(const char* key, std::int64_t v, const char*) { out.push_back({key, v}); }
  void operator()(const char* key, double v, const char*) { out.push_back({key, v}); }
  void operator()(const char* key, bool v, const char*) { out.push_back({key, std::int64_t{v ? 1 : 0}}); }
  void operator()(const char* key, const std::vector<double>& v, const char*) { out.push_back({key, v}); }
  template <class T>
  void operator()(const char* key, const std::optional<T>& v, const char* doc) {
    if (v && std::string(key) != "seed") (*this)(key, *v, doc);
  }
};

// ---- parsing of spec values shared by the kinds ---------------------------------------------

cli::MethodArgs method_args(const MethodFields& f) {
  if (f.head_dim < 0 || f.head_dim > (1 << 20)) {
    throw InputError("head_dim must be in [0, 2^20], got " + std::to_string(f.head_dim));
  }
  cli::MethodArgs a;
  a.method = f.method;
  a.head_dim = static_cast<int>(f.head_dim);
  a.base = f.base;
  a.sections = f.sections;
  a.pair_layout = f.pair_layout;
  a.keep_fraction = f.keep_fraction;
  a.allocation = f.allocation;
  a.design = f.design;
  a.gamma = f.gamma;
  a.delta = f.delta;
  if (f.training_seed) a.training_seed = std::to_string(*f.training_seed);
  a.fps = f.fps;
  a.tokens_per_second = f.tokens_per_second;
  a.keep_fractional_time = f.keep_fractional_time;
  a.visual_step = f.visual_step;
  return a;
}

Method make(const MethodFields& f) { return cli::build_method(method_args(f)); }

// Offsets of a unit and the distance of each (m, or frames apart).
struct OffsetGrid {
  std::vector<Offset3> offsets;
  std::vector<double> distance;
  std::string distance_unit;  // "token" or "frame"
};

OffsetGrid offset_grid(const OffsetFields& f, const Method& method) {
  OffsetGrid grid;
  if (f.along == "text") {
    grid.distance_unit = "token";
    for (std::int64_t m : cli::parse_stepped_range(f.offsets, "offsets", 1'000'000)) {
      const auto d = static_cast<double>(m);
      grid.offsets.push_back({d, d, d});
      grid.distance.push_back(d);
    }
    return grid;
  }
  if (f.along != "frames") throw InputError("along must be 'text' or 'frames', got '" + f.along + "'");
  grid.distance_unit = "frame";
  const FrameGrid g = parse_frame_grid(f.grid);
  for (std::int64_t m : cli::parse_stepped_range(f.frames, "frames", 1'000'000)) {
    grid.offsets.push_back(frame_offset(method.design, m, g.height, g.width));
    grid.distance.push_back(static_cast<double>(m));
  }
  return grid;
}

Axis parse_axis(const std::string& text, const std::string& key) {
  for (Axis a : kAxes) {
    if (text == axis_name(a)) return a;
  }
  throw InputError(key + " must be t, h or w, got '" + text + "'");
}

PreferenceSampling sampling_of(const SamplingFields& f, std::uint64_t seed) {
  PreferenceSampling cfg;
  cfg.seed = seed;
  cfg.samples = f.samples;
  cfg.sigma = f.sigma;
  cfg.mu = f.mu;
  cfg.eps = f.eps;
  const std::string prefix = "student-t:";
  if (f.dist == "gaussian") {
    cfg.law = ComponentLaw::gaussian;
  } else if (f.dist.rfind(prefix, 0) == 0) {
    cfg.law = ComponentLaw::student_t;
    cfg.nu = parse_finite_number(f.dist.substr(prefix.size()), "dist student-t degrees of freedom");
  } else {
    throw InputError("dist must be gaussian or student-t:NU, got '" + f.dist + "'");
  }
  return cfg;
}

// ---- each kind: prepare (parse + validate), then compute -------------------------------------

struct PreparedMc {
  Method method;
  OffsetGrid grid;
  PreferenceSampling cfg;
  PhasePrecision precision;
};

template <class Spec>
PreparedMc prepare_mc(const Spec& s, std::uint64_t seed) {
  PreparedMc p{make(s.method), {}, sampling_of(s.sampling, seed), cli::parse_precision(s.sampling.precision)};
  p.grid = offset_grid(s.offsets, p.method);
  validate_sampling(p.method, p.cfg);
  return p;
}

// Two-sided z bound of each of `count` tests so that all pass with probability 1 - level
// (Sidak): erfc(z / sqrt 2) = 1 - (1 - level)^(1 / count), by bisection.
double sidak_z(double level, std::size_t count) {
  const double per_test = -std::expm1(std::log1p(-level) / static_cast<double>(std::max<std::size_t>(count, 1)));
  double lo = 0.0, hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::erfc(mid / std::sqrt(2.0)) > per_test ? lo : hi) = mid;
  }
  return hi;
}

struct RetrievalPrepared {
  Method method;
  PreferenceSampling cfg;
  PhasePrecision precision;
  std::vector<RetrievalSetup> setups;  // one per depth
};

RetrievalPrepared prepare_retrieval(const McRetrievalSpec& s, std::uint64_t seed) {
  RetrievalPrepared p{make(s.method), {}, cli::parse_precision(s.precision), {}};
  p.cfg.seed = seed;
  p.cfg.samples = s.samples;
  p.cfg.sigma = s.sigma;
  p.cfg.eps = s.eps;
  validate_sampling(p.method, p.cfg);
  RetrievalSetup base;
  const FrameGrid g = parse_frame_grid(s.grid);
  base.height = g.height;
  base.width = g.width;
  base.frames = s.frames;
  base.text_before = s.text_before;
  base.text_after = s.text_after;
  if (s.similar_period) {
    if (*s.similar_period < 1) {
      throw InputError("similar_period must be >= 1, got " + std::to_string(*s.similar_period));
    }
    base.similar_period = *s.similar_period;
  }
  if (s.needle_cell != "centre" && s.needle_cell != "center") {
    const std::vector<std::string> yx = split(s.needle_cell, ',');
    if (yx.size() != 2) throw InputError("needle_cell must be 'centre' or ROW,COL, got '" + s.needle_cell + "'");
    base.needle_row = parse_nonnegative_integer(yx[0], "needle row");
    base.needle_col = parse_nonnegative_integer(yx[1], "needle column");
  }
  for (double depth : s.depth) {
    RetrievalSetup setup = base;
    setup.depth = depth;
    validate_retrieval(setup);
    p.setups.push_back(setup);
  }
  return p;
}

void require_length(std::int64_t length, std::int64_t least) {
  if (length < least) {
    throw InputError("context_length must be >= " + std::to_string(least) + ", got " + std::to_string(length));
  }
}

BaseBoundQuery base_query(const BaseBoundSpec& s) {
  require_length(s.context_length, 1);
  if (s.head_dim < 2 || s.head_dim % 2 != 0 || s.head_dim > (1 << 20)) {
    throw InputError("head_dim must be even, in [2, 2^20], got " + std::to_string(s.head_dim));
  }
  if (!(s.grid_ratio > 1.0)) throw InputError("grid_ratio must be > 1, got " + std::to_string(s.grid_ratio));
  if (!(s.recheck_above >= 1.0)) throw InputError("recheck_above must be >= 1, got " + std::to_string(s.recheck_above));
  BaseBoundQuery q;
  q.head_dim = static_cast<int>(s.head_dim);
  q.context_length = s.context_length;
  q.include_endpoint = !s.exclusive;
  q.grid_ratio = s.grid_ratio;
  q.recheck_above = s.recheck_above;
  return q;
}

ViolationQuery violation_query(const FirstViolationSpec& s) {
  ViolationQuery q;
  q.direction = parse_direction(s.along);
  if (!s.only_axis.empty()) q.only_axis = parse_axis(s.only_axis, "only_axis");
  const FrameGrid g = parse_frame_grid(s.grid);
  q.grid_height = g.height;
  q.grid_width = g.width;
  if (s.limit < 1) throw InputError("limit must be >= 1, got " + std::to_string(s.limit));
  q.limit = s.limit;
  return q;
}

// Offsets of a cosine map or phase error: the stepped integers a, a + s, ... < b (linear), n points
// a (b/a)^(k/(n-1)), k = 0..n-1, equally spaced in log (log), or those rounded to the nearest
// integer without repeats (log-integer).
std::vector<double> spaced_distances(const std::string& distances, const std::string& spacing) {
  constexpr std::int64_t kMaxPoints = 100'000;
  if (spacing == "linear") {
    std::vector<double> out;
    for (std::int64_t m : cli::parse_stepped_range(distances, "distances", kMaxPoints)) out.push_back(static_cast<double>(m));
    return out;
  }
  if (spacing != "log" && spacing != "log-integer") {
    throw InputError("spacing must be 'linear', 'log' or 'log-integer', got '" + spacing + "'");
  }
  const std::vector<std::string> parts = split(distances, ':');
  if (parts.size() != 3) throw InputError("distances must be a:b:n with spacing log, got '" + distances + "'");
  const double from = parse_finite_number(parts[0], "distances start");
  const double to = parse_finite_number(parts[1], "distances end");
  const std::int64_t n = parse_nonnegative_integer(parts[2], "distances points");
  if (!(from > 0 && to > from) || n < 2 || n > kMaxPoints) {
    throw InputError("distances with spacing log need 0 < a < b and 2 <= n <= 100000, got '" + distances + "'");
  }
  std::vector<double> out;
  for (std::int64_t k = 0; k < n; ++k) {
    const double x = from * std::pow(to / from, static_cast<double>(k) / static_cast<double>(n - 1));
    if (spacing == "log") {
      out.push_back(x);
    } else if (out.empty() || std::round(x) != out.back()) {  // log-integer: rounded, repeats dropped
      out.push_back(std::round(x));
    }
  }
  return out;
}

// ---- compute ------------------------------------------------------------------------------

void compute(const PreferenceSpec& s, std::uint64_t, RunRecord& r) {
  const Method m = make(s.method);
  const OffsetGrid grid = offset_grid(s.offsets, m);
  std::vector<double> value, by_axis;
  for (const Offset3& o : grid.offsets) {
    const Preference p = expected_preference(m, o, s.sigma);
    value.push_back(p.total);
    by_axis.insert(by_axis.end(), p.by_axis.begin(), p.by_axis.end());
  }
  const auto rows = static_cast<std::int64_t>(grid.offsets.size());
  r.datasets.push_back(offsets_dataset(grid.offsets));
  r.datasets.push_back(numbers("distance", grid.distance_unit, grid.distance, "distance m of each offset"));
  r.datasets.push_back(numbers("value", "1", value, "closed-form expected preference D (units of sigma^2 = 1)"));
  r.datasets.push_back(numbers("by_axis", "1", by_axis, "contributions of the pairs of axes t, h, w, (M, 3)", {rows, 3}));
}

void compute(const FirstViolationSpec& s, std::uint64_t, RunRecord& r) {
  const Method m = make(s.method);
  const ViolationQuery q = violation_query(s);
  const FirstViolation v = first_violation(m, q);
  const char* unit = q.direction == Direction::text ? "token" : "frame";
  r.attributes.push_back({"result", v.distance ? std::string("violation") : v.proven_never ? "never (proven)"
                                                                                          : "none up to limit"});
  r.attributes.push_back({"reason", v.reason});
  r.datasets.push_back(integers("first_violation", unit, {v.distance ? *v.distance : -1},
                                "smallest distance m >= 1 with D < 0; -1 when none (see proven_never)"));
  r.datasets.push_back(integers("proven_never", "1", {v.proven_never ? 1 : 0}, "1 when D >= Z - R >= 0 for every m"));
  r.datasets.push_back(numbers("zero_weight", "1", {v.zero_weight}, "Z: weight of pairs at angle 0 for every m"));
  r.datasets.push_back(numbers("rotating_weight", "1", {v.rotating_weight}, "R: weight of the other pairs"));
  if (v.distance) {
    r.datasets.push_back(numbers("offset", "position", {v.offset.t, v.offset.h, v.offset.w},
                                 "position offset (t, h, w) at the violation"));
    r.datasets.push_back(numbers("value", "1", {v.value}, "D at the violation (sigma = 1)"));
  }
}

void compute(const BaseBoundSpec& s, std::uint64_t, RunRecord& r) {
  const BaseBound b = minimal_base(base_query(s));
  if (!b.found) throw InputError("no feasible base up to 1e15");
  std::vector<double> windows;
  for (const BaseInterval& w : b.infeasible_above) windows.insert(windows.end(), {w.from, w.to});
  r.datasets.push_back(numbers("base", "1", {b.base}, "smallest feasible RoPE base found (refined)"));
  r.datasets.push_back(numbers("infeasible_below", "1", {b.infeasible_below},
                               "infeasible end of the refined bracket (0: every base searched is feasible)"));
  r.datasets.push_back(integers("feasible_at_search_start", "1", {b.feasible_at_search_start ? 1 : 0},
                                "1: the bound is only <= the search start"));
  r.datasets.push_back(integers("max_distance", "token", {b.max_distance}, "largest m checked"));
  r.datasets.push_back(integers("bases_evaluated", "1", {b.grid_points}, "grid bases evaluated"));
  r.datasets.push_back(numbers("infeasible_above", "1", windows, "infeasible base windows above b*, (K, 2)",
                               {static_cast<std::int64_t>(b.infeasible_above.size()), 2}));
}

void compute(const CriticalLengthSpec& s, std::uint64_t, RunRecord& r) {
  const Method m = make(s.method);
  const FrameGrid g = parse_frame_grid(s.grid);
  const CriticalLength c = critical_length(m, g.height, g.width);
  r.attributes.push_back({"reason", c.reason});
  const auto maybe = [](const std::optional<double>& v) { return v ? std::vector<double>{*v} : std::vector<double>{}; };
  r.datasets.push_back(numbers("critical_length", "position", maybe(c.length),
                               "1 + pi / (2 theta_min); empty without a temporal frequency"));
  r.datasets.push_back(numbers("critical_frames", "frame", maybe(c.frames), "the critical length in frames"));
  if (c.length) {
    r.datasets.push_back(integers("pair", "1", {c.pair}, "the pair with theta_min"));
    r.datasets.push_back(numbers("theta_min", "rad/position", {c.theta_min}, "smallest non-zero temporal frequency"));
    r.datasets.push_back(numbers("frame_step", "position/frame", {c.frame_step}, "temporal offset per frame"));
  }
}

// HoPE Proposition 3.1: under the flat (1D) design, the position distance from the video's first
// token to its neighbour one step along a row, down a column and in time, measured on the
// positions assign_positions gives the whole video; theory's closed form 1, W, H W beside them.
void compute(const FlatteningSpec& s, std::uint64_t, RunRecord& r) {
  const FrameGrid g = parse_frame_grid(s.grid);
  const Layout video = {{SegmentKind::video, 0, s.frames, g.height, g.width}};
  const PositionIds ids = assign_positions(PositionDesign{}, video);  // default design: flat
  const auto token = [&](std::int64_t f, std::int64_t y, std::int64_t x) { return (f * g.height + y) * g.width + x; };
  const auto distance = [&](std::int64_t other) { return ids.t[static_cast<size_t>(other)] - ids.t[0]; };
  const FlatteningDistances closed = flattening_distances(s.frames, g.height, g.width);
  r.datasets.push_back(numbers("column_distance", "position", {distance(token(0, 0, 1))}, "next column, same row"));
  r.datasets.push_back(numbers("row_distance", "position", {distance(token(0, 1, 0))}, "next row, same column"));
  r.datasets.push_back(numbers("frame_distance", "position", {distance(token(1, 0, 0))}, "next frame, same cell"));
  r.datasets.push_back(numbers("closed_form", "position", {closed.column, closed.row, closed.frame},
                               "Proposition 3.1: 1, W, H W (column, row, frame)"));
}

void compute(const SignFlipSpec& s, std::uint64_t, RunRecord& r) {
  require_length(s.context_length, 2);
  const Method m = make(s.method);
  const std::vector<double> theta = rope_frequencies(m.spectrum);
  std::vector<std::int64_t> pairs;
  std::vector<double> thetas, probability;
  for (int i : m.allocation.pairs_on(Axis::t)) {
    if (m.allocation.zero[static_cast<size_t>(i)]) continue;
    pairs.push_back(i);
    thetas.push_back(theta[static_cast<size_t>(i)]);
    probability.push_back(sign_flip_probability(thetas.back(), s.context_length));
  }
  r.datasets.push_back(integers("pair", "1", pairs, "rotating pairs of axis t"));
  r.datasets.push_back(numbers("theta", "rad/position", thetas, "their frequencies theta_i"));
  r.datasets.push_back(numbers("probability", "1", probability,
                               "P[cos(theta_i dt) < 0] for dt uniform on 0..L-1 (HoPE Lemma A.1)"));
  r.datasets.push_back(numbers("threshold", "rad/position", {sign_flip_threshold(s.context_length)},
                               "pi / (2 (L - 1)): no flip below it"));
}

void compute(const McPreferenceSpec& s, std::uint64_t seed, RunRecord& r) {
  const PreparedMc p = prepare_mc(s, seed);
  const std::vector<PreferenceEstimate> mc =
      estimate_preference(p.method, accumulate_pair_products(p.method, p.cfg), p.grid.offsets, p.precision);
  const std::vector<double> theory =
      preference_sweep(p.method, p.grid.offsets, pair_weights(p.method, component_variances(p.cfg, p.method.spectrum.head_dim)));
  const double z_bound = sidak_z(s.family_level, mc.size());
  std::vector<double> mean, se, n, z;
  std::vector<std::int64_t> verdict;
  for (size_t j = 0; j < mc.size(); ++j) {
    mean.push_back(mc[j].mean);
    se.push_back(mc[j].standard_error);
    n.push_back(mc[j].n);
    z.push_back(mc[j].standard_error > 0 ? (mc[j].mean - theory[j]) / mc[j].standard_error : 0.0);
    verdict.push_back(std::fabs(z.back()) <= z_bound ? 1 : 0);
  }
  r.attributes.push_back({"z_bound", z_bound});
  r.datasets.push_back(offsets_dataset(p.grid.offsets));
  r.datasets.push_back(numbers("distance", p.grid.distance_unit, p.grid.distance, "distance m of each offset"));
  r.datasets.push_back(numbers("mean", "1", mean, "Monte Carlo mean of q R k* - q R k"));
  r.datasets.push_back(numbers("standard_error", "1", se, "its standard error s / sqrt(n)"));
  r.datasets.push_back(numbers("n", "1", n, "samples"));
  r.datasets.push_back(numbers("theory", "1", theory, "closed-form expected preference"));
  r.datasets.push_back(numbers("z", "1", z, "(mean - theory) / standard_error"));
  r.datasets.push_back(integers("verdict", "1", verdict,
                                "1 when |z| <= z_bound (Sidak over the offsets at family_level), else 0"));
}

void compute(const McWinProbSpec& s, std::uint64_t seed, RunRecord& r) {
  const PreparedMc p = prepare_mc(s, seed);
  const std::vector<WinEstimate> mc = estimate_win_probability(p.method, p.cfg, p.grid.offsets, p.precision);
  const std::vector<double> theory =
      preference_sweep(p.method, p.grid.offsets, pair_weights(p.method, component_variances(p.cfg, p.method.spectrum.head_dim)));
  std::vector<double> probability, se, n;
  for (const WinEstimate& e : mc) {
    probability.push_back(e.probability);
    se.push_back(e.standard_error);
    n.push_back(e.n);
  }
  r.datasets.push_back(offsets_dataset(p.grid.offsets));
  r.datasets.push_back(numbers("distance", p.grid.distance_unit, p.grid.distance, "distance m of each offset"));
  r.datasets.push_back(numbers("probability", "1", probability, "P[q R k* > q R k], Monte Carlo"));
  r.datasets.push_back(numbers("standard_error", "1", se, "sqrt(p (1 - p) / n)"));
  r.datasets.push_back(numbers("n", "1", n, "samples"));
  r.datasets.push_back(numbers("expected_preference", "1", theory, "closed-form expected preference beside it"));
}

void compute(const McRetrievalSpec& s, std::uint64_t seed, RunRecord& r) {
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
  r.datasets.push_back(numbers("depth", "1", depth, "needle depth in [0, 1]"));
  r.datasets.push_back(integers("keys", "token", keys, "keys L of the layout"));
  r.datasets.push_back(integers("needle_frame", "frame", needle_frame, "frame of the needle"));
  r.datasets.push_back(numbers("needle_offset", "position", needle_offset, "pos(query) - pos(needle), (K, 3)", {rows, 3}));
  r.datasets.push_back(numbers("mass", "1", mass, "mean softmax mass of the needle"));
  r.datasets.push_back(numbers("mass_standard_error", "1", mass_se, "its standard error"));
  r.datasets.push_back(numbers("hit_rate", "1", hit, "rate of the needle being the strict top-1"));
  r.datasets.push_back(numbers("hit_standard_error", "1", hit_se, "its standard error"));
  r.datasets.push_back(integers("similar_distractors", "1", similar, "similar distractors K"));
  r.datasets.push_back(numbers("similar_hit_rate", "1", similar_hit, "needle above every similar distractor (1 when K = 0)"));
  r.datasets.push_back(numbers("similar_hit_standard_error", "1", similar_se, "its standard error"));
  r.datasets.push_back(numbers("n", "1", n, "samples"));
}

// HoPE Figure 2: cos(phi_i) of each pair i reading `axis` at each axis offset, phi_i from
// pair_angle (0 for a zero-frequency pair): rows are the axis's pairs in ascending order.
void compute(const CosineMapSpec& s, std::uint64_t, RunRecord& r) {
  const Method m = make(s.method);
  const Axis axis = parse_axis(s.axis, "axis");
  const std::vector<double> distance = spaced_distances(s.distances, s.spacing);
  const std::vector<double> theta = rope_frequencies(m.spectrum);
  std::vector<std::int64_t> pairs, zero;
  std::vector<double> thetas, cosine;  // cosine: (K, M)
  for (int i : m.allocation.pairs_on(axis)) {
    const auto p = static_cast<size_t>(i);
    pairs.push_back(i);
    thetas.push_back(theta[p]);
    zero.push_back(m.allocation.zero[p] ? 1 : 0);
    for (double delta : distance) cosine.push_back(std::cos(pair_angle(delta, theta[p], m.allocation.zero[p] != 0)));
  }
  r.datasets.push_back(numbers("distance", "position", distance, "axis offset Delta of each column"));
  r.datasets.push_back(integers("pair", "1", pairs, "pairs reading the axis, ascending (rows)"));
  r.datasets.push_back(numbers("theta", "rad/position", thetas, "their frequencies theta_i (before zeroing)"));
  r.datasets.push_back(integers("zero_frequency", "1", zero, "1 where the pair's frequency is forced to zero"));
  r.datasets.push_back(numbers("cosine", "1", cosine, "cos(phi_i), phi_i = Delta theta_i (0 for a zero pair), (K, M)",
                               {static_cast<std::int64_t>(pairs.size()), static_cast<std::int64_t>(distance.size())}));
}

// The float32 phase error: at each offset Delta, max over the rotating pairs of
// |pair_angle in float (float(Delta) * float(theta_i)) - pair_angle in double|, the phases a
// float32 RoPE computes (sim's fp32 precision) against double ones (error ~2^-53 |Delta theta_i|).
void compute(const PhaseErrorSpec& s, std::uint64_t, RunRecord& r) {
  const Method m = make(s.method);
  const std::vector<double> distance = spaced_distances(s.distances, s.spacing);
  const std::vector<double> theta = rope_frequencies(m.spectrum);
  std::vector<double> error;
  std::vector<std::int64_t> worst;
  double theta_max = 0.0;
  for (size_t i = 0; i < theta.size(); ++i) {
    if (!m.allocation.zero[i]) theta_max = std::max(theta_max, theta[i]);
  }
  for (double delta : distance) {
    double largest = 0.0;
    std::int64_t at = -1;
    for (size_t i = 0; i < theta.size(); ++i) {
      const bool zero = m.allocation.zero[i] != 0;
      const float phi32 = pair_angle(static_cast<float>(delta), static_cast<float>(theta[i]), zero);
      const double e = std::fabs(static_cast<double>(phi32) - pair_angle(delta, theta[i], zero));
      if (e > largest || at < 0) {
        largest = e;
        at = static_cast<std::int64_t>(i);
      }
    }
    error.push_back(largest);
    worst.push_back(at);
  }
  r.datasets.push_back(numbers("distance", "position", distance, "offset Delta of each point"));
  r.datasets.push_back(numbers("max_error", "rad", error,
                               "max over pairs of |fl32(fl32(Delta) fl32(theta_i)) - Delta theta_i| (double phases)"));
  r.datasets.push_back(integers("worst_pair", "1", worst, "the pair attaining it"));
  r.datasets.push_back(numbers("theta_max", "rad/position", {theta_max}, "largest non-zero frequency"));
}

// ---- validation per kind --------------------------------------------------------------------

void check(const PreferenceSpec& s, std::uint64_t) {
  const Method m = make(s.method);
  offset_grid(s.offsets, m);
  if (!(s.sigma > 0)) throw InputError("sigma must be > 0, got " + std::to_string(s.sigma));
}
void check(const FirstViolationSpec& s, std::uint64_t) {
  make(s.method);
  violation_query(s);
}
void check(const BaseBoundSpec& s, std::uint64_t) { base_query(s); }
void check(const CriticalLengthSpec& s, std::uint64_t) {
  make(s.method);
  parse_frame_grid(s.grid);
}
void check(const SignFlipSpec& s, std::uint64_t) {
  make(s.method);
  require_length(s.context_length, 2);
}
void check(const McPreferenceSpec& s, std::uint64_t seed) {
  prepare_mc(s, seed);
  if (!(s.family_level > 0 && s.family_level < 1)) {
    throw InputError("family_level must be in (0, 1), got " + std::to_string(s.family_level));
  }
}
void check(const McWinProbSpec& s, std::uint64_t seed) { prepare_mc(s, seed); }
void check(const McRetrievalSpec& s, std::uint64_t seed) { prepare_retrieval(s, seed); }
void check(const FlatteningSpec& s, std::uint64_t) {
  const FrameGrid g = parse_frame_grid(s.grid);
  if (s.frames < 2 || g.height < 2 || g.width < 2) {
    throw InputError("flattening needs frames >= 2 and a grid of at least 2x2, got " + std::to_string(s.frames) +
                     " frames of " + s.grid);
  }
}

void check(const CosineMapSpec& s, std::uint64_t) {
  make(s.method);
  parse_axis(s.axis, "axis");
  spaced_distances(s.distances, s.spacing);
}

void check(const PhaseErrorSpec& s, std::uint64_t) {
  make(s.method);
  spaced_distances(s.distances, s.spacing);
}

}  // namespace

void validate_unit(const WorkUnit& unit) {
  std::visit([&](const auto& s) { check(s, unit.seed); }, unit.spec);
}

RunRecord execute_unit(const WorkUnit& unit) {
  const auto start = std::chrono::steady_clock::now();
  RunRecord r;
  r.unit_index = unit.index;
  r.group = unit.group;
  r.attributes.push_back({"unit", unit.name});
  r.attributes.push_back({"run", unit.run});
  r.attributes.push_back({"kind", unit.kind});
  r.attributes.push_back({"seed", static_cast<std::int64_t>(unit.seed)});
  UnitSpec spec = unit.spec;
  std::visit([&](auto& s) { visit_fields(s, AttributeWriter{r.attributes}); }, spec);
  std::visit([&](const auto& s) { compute(s, unit.seed, r); }, unit.spec);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  r.attributes.push_back({"seconds", elapsed.count()});
  return r;
}

}  // namespace hopelab::batch
