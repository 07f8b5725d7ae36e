#pragma once
// The batch unit kind "vlm-frame-match": sim/vlm/frame_match.h's end-to-end check of the semantic
// preference on a random-weight VLM (preset, model_seed) with layer 0's keys tied to its queries,
// over a synthetic one-video prompt (experiments/vlm/synthetic_input.h, seeded by the unit's seed).
// Declared in hopelab::batch so execute_unit.cpp's dispatch finds these overloads beside its own.

#include <cstdint>

#include "batch/spec_fields.h"
#include "results/run_record.h"

namespace hopelab::batch {

// Everything cheap that compute needs (preset, grid, frames >= 2, scale > 0, the method and its
// options, prompt sizes), without running the model. Throws InputError naming the bad value.
void check(const VlmFrameMatchSpec& s, std::uint64_t seed);

// frame_match on the tied model; datasets and attributes as docs/usage.md lists them.
void compute(const VlmFrameMatchSpec& s, std::uint64_t seed, results::RunRecord& r);

}  // namespace hopelab::batch
