#pragma once
// The semantic preference of a model's own queries and keys along frames (docs/theory.md,
// "Empirical vectors"), the theory side of the V-NIAH experiment: at decoder layer l and query
// head h, the pools are the unrotated q rows of h and k rows of its KV head over a prompt's
// video tokens (qk_rows.h), and
//   D(Delta f) = sum_i E[C_i] cos phi_i + E[S_i] sin phi_i,
// phi_i the phases of the offset between tokens Delta f frames apart at the same place of the
// frame (frame_offset of the model's position design), E[C_i], E[S_i] the pools' expected pair
// products (sim/sampling.h expected_pair_products). Where D turns negative, a query no longer
// prefers a key like itself Delta f frames away to a random one, in expectation.

#include <cstdint>
#include <vector>

#include "sim/vlm/vlm_model.h"

namespace hopelab {

struct OwnPreference {
  std::vector<std::int64_t> frames_apart;   // (M) Delta f
  std::vector<double> value;                // (layers, n_h, M) D
  std::vector<std::int64_t> first_negative; // (layers, n_h) the first Delta f with D < 0, or -1
};

// prompt: one video of grid_height x grid_width LLM tokens per frame (the pools are its video
// rows). Throws InputError for a prompt the model refuses or with fewer than 2 video rows, or
// an empty or non-positive frames_apart.
OwnPreference own_preference(const VlmModel& model, const VlmInput& prompt, std::int64_t grid_height,
                             std::int64_t grid_width, const std::vector<std::int64_t>& frames_apart);

}  // namespace hopelab
