#pragma once
// The fields of an experiment spec (experiments/batch/spec.h), one struct per concern, each
// with ONE visitor listing its fields: visit_fields(fields, v) calls v(key, member, doc) for
// every field in order. TOML reading (type-checked), rejection of unknown keys, HDF5
// attributes, printing and unit names all walk that one list, so a new field is added once.
// Field types: std::string, std::int64_t, double, bool, std::optional<double>,
// std::optional<std::int64_t>, std::vector<double>, std::vector<std::string> (claims only).
// Defaults match the CLI's flags.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hopelab::batch {

// [experiment]
struct ExperimentFields {
  std::string name;         // required
  std::int64_t seed = 0;    // Philox seed of every Monte Carlo unit (a run may override)
  std::string description;
  std::int64_t samples_factor = 1;  // the budget: every Monte Carlo unit draws samples * this
};

template <class V>
void visit_fields(ExperimentFields& f, V&& v) {
  v("name", f.name, "experiment name (required): default output data/results/<name>.h5");
  v("seed", f.seed, "Philox seed of every Monte Carlo unit (>= 0; a run's seed overrides)");
  v("description", f.description, "free text");
  v("samples_factor", f.samples_factor,
    "budget: every Monte Carlo unit draws its samples times this (>= 1; hopelab run --samples-factor)");
}

// A method and its options: cli::MethodArgs as spec fields (hopelab theory --method ...).
struct MethodFields {
  std::string method;  // required
  std::int64_t head_dim = 128;
  double base = 1e6;
  std::string sections;
  std::string pair_layout = "halves";
  double keep_fraction = 0.75;
  std::string allocation;
  std::string design;
  std::optional<double> gamma;
  std::optional<double> delta;
  std::optional<std::int64_t> training_seed;
  double fps = 1.0;
  double tokens_per_second = 25.0;
  bool keep_fractional_time = false;
  double visual_step = 1.0 / 16.0;
};

template <class V>
void visit_fields(MethodFields& f, V&& v) {
  v("method", f.method, "vanilla, mrope, mrope-interleave, videorope, hope, hope-x, p-rope, v2pe, tad-rope or custom");
  v("head_dim", f.head_dim, "head dimension d (even)");
  v("base", f.base, "RoPE base b (> 1)");
  v("sections", f.sections, "pairs per axis \"t,h,w\" (default: the preset's, scaled to d/2)");
  v("pair_layout", f.pair_layout, "halves (HF rotate_half) or adjacent (RoFormer)");
  v("keep_fraction", f.keep_fraction, "p-rope: fraction p of frequencies kept");
  v("allocation", f.allocation, "custom: e.g. \"t:48-63;h:0-46:2;w:1-47:2;zero:48-63\"");
  v("design", f.design, "position design override: flat, qwen2vl, qwen25vl, diagonal, v2pe, tad");
  v("gamma", f.gamma, "HoPE temporal scale gamma (default 1)");
  v("delta", f.delta, "VideoRoPE temporal spacing delta (default 2)");
  v("training_seed", f.training_seed, "HoPE training mode: one gamma per video, seeded");
  v("fps", f.fps, "qwen25vl: frames per second");
  v("tokens_per_second", f.tokens_per_second, "qwen25vl: temporal ids per second");
  v("keep_fractional_time", f.keep_fractional_time, "qwen25vl: keep fractional t");
  v("visual_step", f.visual_step, "v2pe: position step of a visual token");
}

// Offsets along text (m, m, m) or between frames (same cell, m frames apart).
struct OffsetFields {
  std::string along = "text";
  std::string offsets = "0:100000:1000";
  std::string frames = "0:1000:10";
  std::string grid = "12x12";
};

template <class V>
void visit_fields(OffsetFields& f, V&& v) {
  v("along", f.along, "text (offset m,m,m) or frames (same cell, m frames apart)");
  v("offsets", f.offsets, "text distances \"a:b:s\" (along = text)");
  v("frames", f.frames, "frame distances \"a:b:s\" (along = frames)");
  v("grid", f.grid, "frame grid \"HxW\" in LLM tokens");
}

// How a Monte Carlo unit draws q, k and k* (sim/sampling.h).
struct SamplingFields {
  std::int64_t samples = 100000;
  std::optional<std::int64_t> seed;  // default: the experiment's seed
  double sigma = 1.0, mu = 0.0, eps = 1.0;
  std::string dist = "gaussian";
  std::string precision = "fp64";
};

template <class V>
void visit_fields(SamplingFields& f, V&& v) {
  v("samples", f.samples, "samples N (>= 2)");
  v("seed", f.seed, "Philox seed of this run (default: [experiment] seed)");
  v("sigma", f.sigma, "standard deviation of q and k components");
  v("mu", f.mu, "common mean of q and k components");
  v("eps", f.eps, "k* - q in units of each component's scale");
  v("dist", f.dist, "component law: gaussian or student-t:NU");
  v("precision", f.precision, "fp64 or fp32 rotation phases (theory stays exact)");
}

inline SamplingFields sampling_with(std::int64_t samples) {
  SamplingFields f;
  f.samples = samples;
  return f;
}

// [[claim]]: a claim of a paper checked against the units of named runs (batch/claims.h; the
// rules and their parameters are documented there and in docs/usage.md, "Claims").
struct ClaimFields {
  std::string id;         // required, unique
  std::string statement;  // required
  std::string source;     // required
  std::vector<std::string> runs;  // required, non-empty
  std::string rule;       // required
  std::optional<double> expected;
  double tolerance = 0.0;
  std::string dataset;
  std::string assumption;
  std::string inner_rule;
};

template <class V>
void visit_fields(ClaimFields& f, V&& v) {
  v("id", f.id, "claim id (required, unique)");
  v("statement", f.statement, "the claim in words (required)");
  v("source", f.source, "where it is stated, e.g. \"HoPE Theorem 3.1\" (required)");
  v("runs", f.runs, "names of the runs whose units the rule reads (required)");
  v("rule", f.rule, "how it is checked: one of claim_rule_names() (batch/claims.h)");
  v("expected", f.expected, "value-equals: the value; bound-*: the paper's base; violated-before: the length");
  v("tolerance", f.tolerance, "value-equals, bound-minimal: relative tolerance; sign-flip-lemma: slack");
  v("dataset", f.dataset, "value-equals: dataset read; dominates: value (default) or by_axis.t/h/w");
  v("assumption", f.assumption, "assumption: the assumption in words (required for that rule)");
  v("inner_rule", f.inner_rule, "assumption: the rule checked on the restricted and the unrestricted run");
}

// ---- one struct per kind ------------------------------------------------------------------

struct PreferenceSpec {  // kind = "preference": closed form at each offset
  MethodFields method;
  OffsetFields offsets;
  double sigma = 1.0;
};
template <class V>
void visit_fields(PreferenceSpec& f, V&& v) {
  visit_fields(f.method, v);
  visit_fields(f.offsets, v);
  v("sigma", f.sigma, "standard deviation of q and k components");
}

struct FirstViolationSpec {  // kind = "first-violation"
  MethodFields method;
  std::string along = "text";
  std::string only_axis;
  std::string grid = "12x12";
  std::int64_t limit = 10'000'000;
};
template <class V>
void visit_fields(FirstViolationSpec& f, V&& v) {
  visit_fields(f.method, v);
  v("along", f.along, "text (offset m,m,m) or frames (same cell, m frames apart)");
  v("only_axis", f.only_axis, "sum only the pairs of axis t, h or w");
  v("grid", f.grid, "frame grid \"HxW\" for along = frames");
  v("limit", f.limit, "largest distance scanned");
}

struct BaseBoundSpec {  // kind = "base-bound"
  std::int64_t head_dim = 128;
  std::int64_t context_length = 0;  // required
  bool exclusive = false;
  double grid_ratio = 1.001;
  double recheck_above = 1.0;
};
template <class V>
void visit_fields(BaseBoundSpec& f, V&& v) {
  v("head_dim", f.head_dim, "head dimension d");
  v("context_length", f.context_length, "context length L (required, >= 1)");
  v("exclusive", f.exclusive, "check m in [0, L-1] instead of [0, L]");
  v("grid_ratio", f.grid_ratio, "ratio of consecutive bases searched");
  v("recheck_above", f.recheck_above, "also list infeasible bases in (b*, F b*]");
}

struct CriticalLengthSpec {  // kind = "critical-length"
  MethodFields method;
  std::string grid = "12x12";
};
template <class V>
void visit_fields(CriticalLengthSpec& f, V&& v) {
  visit_fields(f.method, v);
  v("grid", f.grid, "frame grid \"HxW\", to express the length in frames");
}

struct SignFlipSpec {  // kind = "sign-flip": Lemma A.1 for each rotating temporal pair
  MethodFields method;
  std::int64_t context_length = 0;  // required
};
template <class V>
void visit_fields(SignFlipSpec& f, V&& v) {
  visit_fields(f.method, v);
  v("context_length", f.context_length, "context length L (required, >= 2): dt uniform on 0..L-1");
}

struct McPreferenceSpec {  // kind = "mc-preference"
  MethodFields method;
  OffsetFields offsets;
  SamplingFields sampling;
  double family_level = 1e-3;
};
template <class V>
void visit_fields(McPreferenceSpec& f, V&& v) {
  visit_fields(f.method, v);
  visit_fields(f.offsets, v);
  visit_fields(f.sampling, v);
  v("family_level", f.family_level, "verdict: |z| <= Sidak z of this family level over the offsets");
}

struct McWinProbSpec {  // kind = "mc-win-prob"
  MethodFields method;
  OffsetFields offsets;
  SamplingFields sampling = sampling_with(20000);
};
template <class V>
void visit_fields(McWinProbSpec& f, V&& v) {
  visit_fields(f.method, v);
  visit_fields(f.offsets, v);
  visit_fields(f.sampling, v);
}

struct McRetrievalSpec {  // kind = "mc-retrieval"
  MethodFields method;
  std::int64_t frames = 0;  // required
  std::string grid = "12x12";
  std::vector<double> depth = {0.5};
  std::string needle_cell = "centre";
  std::optional<std::int64_t> similar_period;
  std::int64_t text_before = 16, text_after = 16;
  std::int64_t samples = 1000;
  std::optional<std::int64_t> seed;
  double sigma = 1.0, eps = 1.0;
  std::string precision = "fp64";
};
template <class V>
void visit_fields(McRetrievalSpec& f, V&& v) {
  visit_fields(f.method, v);
  v("frames", f.frames, "video frames F (required, >= 1)");
  v("grid", f.grid, "frame grid \"HxW\" in LLM tokens");
  v("depth", f.depth, "needle depths in [0, 1]: frame round(depth (F - 1))");
  v("needle_cell", f.needle_cell, "needle's cell \"ROW,COL\", or centre");
  v("similar_period", f.similar_period, "P: a similar distractor in the needle's cell every P frames");
  v("text_before", f.text_before, "text tokens before the video");
  v("text_after", f.text_after, "text tokens after the video (the query is the last)");
  v("samples", f.samples, "samples N (>= 2)");
  v("seed", f.seed, "Philox seed of this run (default: [experiment] seed)");
  v("sigma", f.sigma, "standard deviation of q and k components");
  v("eps", f.eps, "needle k* - q in units of sigma");
  v("precision", f.precision, "fp64 or fp32 rotation phases");
}

struct FlatteningSpec {  // kind = "flattening": HoPE Proposition 3.1 under the flat (1D) design
  std::int64_t frames = 2;
  std::string grid = "12x12";
};
template <class V>
void visit_fields(FlatteningSpec& f, V&& v) {
  v("frames", f.frames, "video frames F (>= 2)");
  v("grid", f.grid, "frame grid \"HxW\" (H, W >= 2)");
}

struct CosineMapSpec {  // kind = "cosine-map": cos(phi_i) of one axis's pairs over distances (HoPE Figure 2)
  MethodFields method;
  std::string axis = "t";
  std::string distances = "0:4096:16";
  std::string spacing = "linear";
};
template <class V>
void visit_fields(CosineMapSpec& f, V&& v) {
  visit_fields(f.method, v);
  v("axis", f.axis, "the axis whose pairs are mapped: t, h or w");
  v("distances", f.distances, "axis offsets: \"a:b:s\" (linear, integers) or \"a:b:n\" (log: n points, 0 < a < b)");
  v("spacing", f.spacing, "linear, log (geometric: a (b/a)^(k/(n-1)), k = 0..n-1) or log-integer (rounded, unique)");
}

struct PhaseErrorSpec {  // kind = "phase-error": float32 rotation phases against float64 ones
  MethodFields method;
  std::string distances = "1:100000000:200";
  std::string spacing = "log";
};
template <class V>
void visit_fields(PhaseErrorSpec& f, V&& v) {
  visit_fields(f.method, v);
  v("distances", f.distances, "offsets Delta: \"a:b:s\" (linear, integers) or \"a:b:n\" (log: n points, 0 < a < b)");
  v("spacing", f.spacing, "linear, log (geometric: a (b/a)^(k/(n-1)), k = 0..n-1) or log-integer (rounded, unique)");
}

struct VlmFrameMatchSpec {  // kind = "vlm-frame-match": the semantic preference inside the VLM (sim/vlm/frame_match.h)
  std::string method = "mrope";
  std::optional<double> gamma;
  std::optional<double> delta;
  std::string preset = "tiny";
  std::int64_t model_seed = 0;
  std::optional<std::int64_t> seed;  // default: the experiment's seed
  std::int64_t frames = 16;
  std::string grid = "2x3";
  std::int64_t text_before = 4, text_after = 2;
  double scale = 4.0;
};
template <class V>
void visit_fields(VlmFrameMatchSpec& f, V&& v) {
  v("method", f.method, "the LLM's rotary: vanilla, mrope, mrope-interleave, videorope, hope, ...");
  v("gamma", f.gamma, "HoPE temporal scale gamma (default 1)");
  v("delta", f.delta, "VideoRoPE temporal spacing delta (default 2)");
  v("preset", f.preset, "model size (sim/vlm/presets.h): tiny or base100m");
  v("model_seed", f.model_seed, "seed of the random weights (>= 0)");
  v("seed", f.seed, "seed of the synthetic prompt (default: [experiment] seed)");
  v("frames", f.frames, "temporal patches F of the video (>= 2): copies at 1 .. F - 1 frames apart");
  v("grid", f.grid, "LLM grid \"HxW\" of a frame, in tokens");
  v("text_before", f.text_before, "text tokens before the video");
  v("text_after", f.text_after, "text tokens after the video");
  v("scale", f.scale, "tie scale of layer 0's tied q/k rows (> 0): scores on tied heads grow by scale^2");
}

// A unit's settings: one of the kinds, in the order of kind_names().
using UnitSpec = std::variant<PreferenceSpec, FirstViolationSpec, BaseBoundSpec, CriticalLengthSpec, SignFlipSpec,
                              McPreferenceSpec, McWinProbSpec, McRetrievalSpec, FlatteningSpec, CosineMapSpec,
                              PhaseErrorSpec, VlmFrameMatchSpec>;

}  // namespace hopelab::batch
