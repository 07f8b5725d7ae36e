#include "kinds/sign_flip.h"

#include "kinds/kind_support.h"
#include "theory/sign_flip.h"
#include "theory/spectrum.h"

namespace hopelab::kinds {

namespace {

void check(const SignFlipSettings& s, std::uint64_t) { params::build_method(s.method); }

void compute(const SignFlipSettings& s, std::uint64_t, results::RunRecord& r) {
  using namespace sign_flip;
  const Method m = params::build_method(s.method);
  const std::vector<double> theta = rope_frequencies(m.spectrum);
  std::vector<std::int64_t> pairs;
  std::vector<double> thetas, probability;
  for (int i : m.allocation.pairs_on(Axis::t)) {
    if (m.allocation.zero[static_cast<size_t>(i)]) continue;
    pairs.push_back(i);
    thetas.push_back(theta[static_cast<size_t>(i)]);
    probability.push_back(sign_flip_probability(thetas.back(), s.context_length));
  }
  r.datasets.push_back(integers(kPair, pairs));
  r.datasets.push_back(numbers(kTheta, thetas));
  r.datasets.push_back(numbers(kProbability, probability));
  r.datasets.push_back(scalar_number(kThreshold, sign_flip_threshold(s.context_length)));
}

double work(const SignFlipSettings& s) { return static_cast<double>(s.context_length) * static_cast<double>(s.method.head_dim / 2); }

}  // namespace

const Kind& sign_flip_kind() {
  using namespace sign_flip;
  static const KindOf<SignFlipSettings> kind(
      "sign-flip", "HoPE Lemma A.1: probability that each rotating temporal pair's cosine is negative",
      {"method", "context_length"}, {kPair, kTheta, kProbability, kThreshold}, check, compute, nullptr, work);
  return kind;
}

}  // namespace hopelab::kinds
