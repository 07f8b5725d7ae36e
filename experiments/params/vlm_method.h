#pragma once
// A method inside the VLM: params::MethodParams (params/method.h), the one description of a
// method and its options, less the three fields the model decides — head_dim and base are its
// config.json's head_dim and rope_theta, and it rotates half-split pairs — with mrope, the
// Qwen2-VL model's own method, as the default. The same fields are a vlm command's flags and a
// vlm kind's spec keys. build_vlm_rotary turns them into sim/vlm's VlmRotary.

#include <cstring>
#include <utility>

#include "params/method.h"
#include "sim/vlm/vlm_rotary.h"

namespace hopelab::params {

struct VlmMethodParams {
  MethodParams method = [] {
    MethodParams p;
    p.method = "mrope";
    return p;
  }();
};

// head_dim, base and pair_layout: set by the model, not by the user.
inline bool decided_by_model(const char* field) {
  return std::strcmp(field, "head_dim") == 0 || std::strcmp(field, "base") == 0 ||
         std::strcmp(field, "pair_layout") == 0;
}

template <class V>
void visit_fields(VlmMethodParams& p, V&& v) {
  visit_fields(p.method, [&](const Field& f, auto& member) {
    if (!decided_by_model(f.name)) v(f, member);
  });
}

// Records the fields a spec's run or the command line wrote (params/method.h).
inline void mark_given(VlmMethodParams& p, GivenFields given) { mark_given(p.method, std::move(given)); }

// The options its method and design do not read (params/method.h).
inline std::vector<std::string> fields_not_applying(const VlmMethodParams& p) { return fields_not_applying(p.method); }

// The model's rotary of these options. Throws InputError naming a bad value (the method itself
// and the options that depend on the model are checked when the model builds it).
VlmRotary build_vlm_rotary(const VlmMethodParams& p);

}  // namespace hopelab::params
