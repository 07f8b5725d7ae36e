#pragma once
// kind "sign-flip": HoPE Lemma A.1 for each rotating temporal pair: P[cos(theta_i dt) < 0] for
// dt uniform on 0..L-1, and the threshold pi / (2 (L - 1)) below which no pair flips.

#include "kinds/kind.h"
#include "params/method.h"

namespace hopelab::kinds {

struct SignFlipSettings {
  params::MethodParams method;
  std::int64_t context_length = 0;  // required
};

template <class V>
void visit_fields(SignFlipSettings& s, V&& v) {
  visit_fields(s.method, v);
  v(Field{"context_length", "token", params::at_least(2), "context length L (required): dt uniform on 0..L-1"},
    s.context_length);
}

namespace sign_flip {
inline constexpr DatasetName kPair{"pair", "1", "rotating pairs of axis t"};
inline constexpr DatasetName kTheta{"theta", "rad/position", "their frequencies theta_i"};
inline constexpr DatasetName kProbability{"probability", "1",
                                          "P[cos(theta_i dt) < 0] for dt uniform on 0..L-1 (HoPE Lemma A.1)"};
inline constexpr DatasetName kThreshold = scalar_dataset(
    {"threshold", "rad/position", "pi / (2 (L - 1)): no flip below it"});
}  // namespace sign_flip

const Kind& sign_flip_kind();

}  // namespace hopelab::kinds
