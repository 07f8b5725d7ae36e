// sim/vlm/random_weights.{h,cpp}: the documented counter layout, recomputed with Random123's
// philox4x32 and a long double Box-Muller written here; each tensor's mean and variance against
// its law (z-tests, Sidak-corrected); determinism; a twin with the wrong law that must fail.

#include <cmath>

#include <gtest/gtest.h>
#include <Random123/philox.h>

#include "sim/vlm/parameters.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "theory/sidak.h"

namespace hopelab {
namespace {

// Element e of parameter p: Philox4x32-10 at counter (e / 2 low, e / 2 high, 0, p), key (seed low,
// seed high); u = (k + 1) 2^-53 from words (0, 1) and (2, 3); Box-Muller cos for even e, sin for odd.
long double reference_value(std::uint64_t seed, std::uint32_t p, std::uint64_t e, long double mean, long double sd) {
  const std::uint64_t pair = e / 2;
  const philox4x32_ctr_t counter = {{static_cast<std::uint32_t>(pair), static_cast<std::uint32_t>(pair >> 32), 0u, p}};
  const philox4x32_key_t key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const philox4x32_ctr_t w = philox4x32(counter, key);
  auto uniform = [](std::uint32_t hi, std::uint32_t lo) {
    const std::uint64_t k = (std::uint64_t{hi} << 21) ^ (std::uint64_t{lo} >> 11);
    return std::ldexp(static_cast<long double>(k + 1), -53);
  };
  const long double r = std::sqrt(-2.0L * std::log(uniform(w.v[0], w.v[1])));
  const long double angle = 2.0L * 3.14159265358979323846264338327950288L * uniform(w.v[2], w.v[3]);
  return mean + sd * r * (e % 2 == 0 ? std::cos(angle) : std::sin(angle));
}

TEST(RandomWeights, FollowTheDocumentedCounterLayout) {
  const VlmConfig config = vlm_preset("tiny");
  const std::uint64_t seed = 0x123456789abcdefULL;
  const TensorMap weights = random_weights(config, seed);
  const std::vector<ParameterSpec> specs = expected_parameters(config);
  for (std::uint32_t p = 0; p < specs.size(); ++p) {
    const Tensor& t = weights.at(specs[p].name);
    const WeightLaw law = random_weight_law(specs[p].name);
    for (std::uint64_t e : {std::uint64_t{0}, std::uint64_t{1}, static_cast<std::uint64_t>(t.data.size() - 1)}) {
      const long double expected = reference_value(seed, p, e, law.mean, law.stddev);
      // Double Box-Muller vs long double differ by a few double ulps; rounding to float then
      // adds at most half a float ulp: tolerance one float ulp of the value (2^-23 |x|).
      const long double tolerance = std::ldexp(std::fabs(expected), -23);
      EXPECT_LE(std::fabs(t.data[e] - expected), tolerance)
          << specs[p].name << "[" << e << "]: expected " << static_cast<double>(expected) << ", actual " << t.data[e];
    }
  }
}

TEST(RandomWeights, NormsAndLinearsFollowTheirLaws) {
  EXPECT_EQ(random_weight_law("model.layers.0.input_layernorm.weight").mean, 1.0);
  EXPECT_EQ(random_weight_law("visual.merger.ln_q.weight").stddev, 0.1);
  EXPECT_EQ(random_weight_law("visual.blocks.1.norm2.bias").mean, 0.0);
  EXPECT_EQ(random_weight_law("visual.blocks.1.norm2.bias").stddev, 0.02);
  EXPECT_EQ(random_weight_law("model.layers.0.self_attn.q_proj.bias").stddev, 0.02);
  EXPECT_EQ(random_weight_law("model.embed_tokens.weight").mean, 0.0);

  const VlmConfig config = vlm_preset("tiny");
  const TensorMap weights = random_weights(config, 11);
  const double family_alpha = 1e-4;
  const double z_max = sidak_z(family_alpha, 2 * weights.size());  // a mean and a variance per tensor
  bool twin_failed = false;
  for (const auto& [name, t] : weights) {
    const WeightLaw law = random_weight_law(name);
    const double n = static_cast<double>(t.data.size());
    double sum = 0.0, squares = 0.0;
    for (float x : t.data) sum += x;
    const double mean = sum / n;
    for (float x : t.data) squares += (x - mean) * (x - mean);
    const double variance = squares / (n - 1);
    // Mean: SE = sd / sqrt(n). Variance of a normal sample: SE = sd^2 sqrt(2 / (n - 1)).
    const double z_mean = (mean - law.mean) / (law.stddev / std::sqrt(n));
    const double z_var = (variance - law.stddev * law.stddev) / (law.stddev * law.stddev * std::sqrt(2.0 / (n - 1)));
    EXPECT_LE(std::fabs(z_mean), z_max) << name << ": mean " << mean << ", expected " << law.mean << ", n " << n;
    EXPECT_LE(std::fabs(z_var), z_max) << name << ": variance " << variance << ", expected " << law.stddev * law.stddev;
    // Twin: norm weights tested against the Linear law N(0, 0.02^2) must fail.
    if (law.mean == 1.0 && std::fabs((mean - 0.0) / (0.02 / std::sqrt(n))) > z_max) twin_failed = true;
  }
  EXPECT_TRUE(twin_failed) << "the wrong law was not detected: the test cannot fail";
}

TEST(RandomWeights, SameSeedSameWeightsOtherSeedOtherWeights) {
  const VlmConfig config = vlm_preset("tiny");
  const TensorMap a = random_weights(config, 5), b = random_weights(config, 5), c = random_weights(config, 6);
  for (const auto& [name, t] : a) {
    EXPECT_EQ(t.data, b.at(name).data) << name;
    size_t same = 0;
    for (size_t i = 0; i < t.data.size(); ++i) same += t.data[i] == c.at(name).data[i];
    EXPECT_LT(same, t.data.size()) << name << " did not change with the seed";
  }
  EXPECT_NE(a.at("model.layers.0.self_attn.q_proj.weight").data, a.at("model.layers.1.self_attn.q_proj.weight").data);
}

}  // namespace
}  // namespace hopelab
