#include "params/work_limit.h"

#include <cmath>

#include "params/field.h"
#include "theory/input_error.h"

namespace hopelab::params {

void check_work(double work, double max_work, const std::string& what) {
  if (work <= max_work) return;
  throw InputError(what + " needs " + number_name(work) + " pair evaluations, beyond the work limit " +
                   number_name(max_work) + " (raise it with max_work in [experiment] or --max-work)");
}

void check_max_work(double max_work, const std::string& key) {
  if (!(std::isfinite(max_work) && max_work >= 1)) {
    throw InputError(key + " must be a finite number >= 1, got " + number_name(max_work));
  }
}

}  // namespace hopelab::params
