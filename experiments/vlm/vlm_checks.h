#pragma once
// End-to-end checks of the VLM on one checkpoint and prompt (docs/vlm.md "End-to-end checks"):
//   decode     cached decode of the prompt's trailing text tokens equals the full prefill's rows
//   shift      a constant added to every position leaves every logit unchanged (relativity)
//   positions  the model's positions equal assign_positions of its layout written as text and
//              read back, the path of `hopelab positions --layout`
//   frame      on layer 0's tied heads, ln(w_copy / w_self) equals the closed form
//              sum_i rho_i (cos phi_i - 1) / sqrt(d) at every frame distance (sim/vlm/frame_match.h)
// The agreement with the independent NumPy reference is tests/ref/vlm_reference.py compare.

#include <string>
#include <vector>

#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"
#include "sim/vlm/vlm_input.h"
#include "sim/vlm/vlm_rotary.h"

namespace hopelab {

struct VlmCheckResult {
  std::string method;
  std::string check;      // decode | shift | positions | frame
  double error = 0.0;     // largest deviation found
  double tolerance = 0.0; // its derived bound (0: exact equality required)
  std::string detail;     // where the largest deviation is, or why the check was skipped
  bool skipped = false;
  bool passed() const { return skipped || error <= tolerance; }
};

// Runs the four checks for one method. weights are copied where a check changes them (frame).
std::vector<VlmCheckResult> run_vlm_checks(const VlmConfig& config, const TensorMap& weights, const VlmRotary& rotary,
                                           const VlmInput& prompt);

}  // namespace hopelab
