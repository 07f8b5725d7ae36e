// Monte Carlo against the closed form, as a property: for random methods (any preset, custom
// allocations, sections, layouts), random offsets and a random seed, the expected-preference
// estimator agrees with theory's expected_preference within z SE (Sidak over the offsets of a
// case, family level 1e-7 per case), and a theory shifted by 10 SE is rejected at every offset.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "generators.h"
#include "sim/preference_estimator.h"
#include "theory/sidak.h"

namespace hopelab {
namespace {

RC_GTEST_PROP(MonteCarlo, ExpectedPreferenceAgreesWithClosedForm, ()) {
  const property::MethodCase c = *property::gen_method();
  RC_PRE(c.options.spectrum.head_dim <= 128);  // keeps a case at O(N d^2) = 1.6e7
  const Method method = c.make();
  const std::vector<Offset3> offsets = *rc::gen::container<std::vector<Offset3>>(3, property::gen_offset(7));
  PreferenceSampling cfg;
  cfg.seed = *rc::gen::arbitrary<std::uint64_t>();
  cfg.samples = 1000;
  cfg.sigma = *rc::gen::element(0.5, 1.0, 2.0);
  cfg.mu = *rc::gen::element(0.0, 0.3);
  cfg.eps = *rc::gen::element(0.0, 1.0);
  RC_LOG() << "seed " << cfg.seed << ", sigma " << cfg.sigma << ", mu " << cfg.mu << ", eps " << cfg.eps << "\n";

  const std::vector<PreferenceEstimate> mc = estimate_preference(method, accumulate_pair_products(method, cfg), offsets);
  const double z = sidak_z(1e-7, offsets.size());
  for (size_t j = 0; j < offsets.size(); ++j) {
    const double theory = expected_preference(method, offsets[j], cfg.sigma).total;
    RC_LOG() << "offset " << j << ": mean " << mc[j].mean << ", SE " << mc[j].standard_error << ", theory "
             << theory << "\n";
    RC_ASSERT(mc[j].standard_error > 0.0);
    RC_ASSERT(std::fabs(mc[j].mean - theory) <= z * mc[j].standard_error);
    // Twin: the same check against a theory off by 10 SE must fail.
    RC_ASSERT(std::fabs(mc[j].mean - (theory + 10.0 * mc[j].standard_error)) > z * mc[j].standard_error);
  }
}

}  // namespace
}  // namespace hopelab
