#include "kinds/registry.h"

#include "kinds/allocation.h"
#include "kinds/base_bound.h"
#include "kinds/cosine_map.h"
#include "kinds/critical_length.h"
#include "kinds/decay_indicator.h"
#include "kinds/first_violation.h"
#include "kinds/flattening.h"
#include "kinds/mc_inversion.h"
#include "kinds/mc_preference.h"
#include "kinds/mc_retrieval.h"
#include "kinds/mc_win_prob.h"
#include "kinds/phase_error.h"
#include "kinds/phase_resolution.h"
#include "kinds/positions.h"
#include "kinds/preference.h"
#include "kinds/sign_flip.h"
#include "kinds/text_collision.h"
#include "kinds/vlm_frame_match.h"
#include "kinds/vlm_niah.h"

namespace hopelab::kinds {

const std::vector<const Kind*>& all_kinds() {
  static const std::vector<const Kind*> kinds = {
      &preference_kind(),
      &first_violation_kind(),
      &base_bound_kind(),
      &critical_length_kind(),
      &sign_flip_kind(),
      &mc_preference_kind(),
      &mc_win_prob_kind(),
      &mc_retrieval_kind(),
      &flattening_kind(),
      &cosine_map_kind(),
      &phase_error_kind(),
      &vlm_frame_match_kind(),
      &vlm_niah_kind(),
      &positions_kind(),
      &allocation_kind(),
      &text_collision_kind(),
      &decay_indicator_kind(),
      &mc_inversion_kind(),
      &phase_resolution_kind(),
  };
  return kinds;
}

const Kind* find_kind(const std::string& name) {
  for (const Kind* k : all_kinds()) {
    if (name == k->name()) return k;
  }
  return nullptr;
}

std::string kind_list() {
  std::string list;
  for (const Kind* k : all_kinds()) list += (list.empty() ? "" : ", ") + std::string(k->name());
  return list;
}

}  // namespace hopelab::kinds
