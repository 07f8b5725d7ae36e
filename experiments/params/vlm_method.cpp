#include "params/vlm_method.h"

namespace hopelab::params {

VlmRotary build_vlm_rotary(const VlmMethodParams& p) {
  VlmMethodParams checked = p;
  check_ranges(checked);
  check_method_options_apply(p.method);
  VlmRotary rotary;
  rotary.method = p.method.method;
  rotary.options = method_options(p.method);
  return rotary;
}

}  // namespace hopelab::params
