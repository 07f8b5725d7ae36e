#pragma once
// kind "phase-error": the float32 rotation phases' error against float64 ones at each offset
// Delta: max over the rotating pairs of |fl32(fl32(Delta) fl32(theta_i)) - Delta theta_i|.

#include "kinds/kind.h"
#include "params/distances.h"
#include "params/method.h"

namespace hopelab::kinds {

struct PhaseErrorSettings {
  params::MethodParams method;
  std::string distances = "1:100000000:200";
  std::string spacing = "log";
};

template <class V>
void visit_fields(PhaseErrorSettings& s, V&& v) {
  using params::words;
  visit_fields(s.method, v);
  v(Field{"distances", "position", words("\"a:b:s\" (linear) or \"a:b:n\" (log)"), "offsets Delta"}, s.distances);
  v(Field{"spacing", "", words("linear, log, log-integer"), params::kSpacingDescription}, s.spacing);
}

namespace phase_error {
inline constexpr DatasetName kDistance{"distance", "position", "offset Delta of each point"};
inline constexpr DatasetName kMaxError{"max_error", "rad",
                                       "max over pairs of |fl32(fl32(Delta) fl32(theta_i)) - Delta theta_i| (double phases)"};
inline constexpr DatasetName kWorstPair{"worst_pair", "1", "the pair attaining it"};
inline constexpr DatasetName kThetaMax = scalar_dataset({"theta_max", "rad/position", "largest non-zero frequency"});
}  // namespace phase_error

const Kind& phase_error_kind();

}  // namespace hopelab::kinds
