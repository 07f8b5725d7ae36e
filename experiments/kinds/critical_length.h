#pragma once
// kind "critical-length": HoPE's critical length 1 + pi / (2 theta_min) beyond which the
// slowest temporal pair's cosine turns negative (theory/critical_length.h), also in frames.

#include "kinds/kind.h"
#include "params/method.h"

namespace hopelab::kinds {

struct CriticalLengthSettings {
  params::MethodParams method;
  std::string grid = "12x12";
};

template <class V>
void visit_fields(CriticalLengthSettings& s, V&& v) {
  visit_fields(s.method, v);
  v(Field{"grid", "token", params::words("\"HxW\""), "frame grid, to express the length in frames"}, s.grid);
}

namespace critical_length {
inline constexpr DatasetName kCriticalLength = scalar_dataset(
    {"critical_length", "position", "1 + pi / (2 theta_min); absent without a temporal frequency (see reason)", true});
inline constexpr DatasetName kCriticalFrames = scalar_dataset(
    {"critical_frames", "frame", "the critical length in frames; absent with critical_length", true});
inline constexpr DatasetName kPair = scalar_dataset({"pair", "1", "the pair with theta_min", true});
inline constexpr DatasetName kThetaMin = scalar_dataset(
    {"theta_min", "rad/position", "smallest non-zero temporal frequency", true});
inline constexpr DatasetName kFrameStep = scalar_dataset(
    {"frame_step", "position/frame", "temporal offset per frame", true});
inline constexpr AttributeName kReason{"reason", "",
                                       "the condition for a negative cosine in words, or why there is none"};
}  // namespace critical_length

const Kind& critical_length_kind();

}  // namespace hopelab::kinds
