// The runners the commands use (sim/vlm/vlm_runner.h): the device backend's (the CUDA backend's
// VLM forward, device_vlm_runner) and the host's, each keeping its own KV cache, against the
// models called directly: the host runner bit for bit (it is that model), the device runner
// within the parity tolerance of vlm_device_parity.inc (2 x logit_tolerance). Built into the
// CPU and the CUDA device tests alike; skipped where the linked backend has no device.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/backend.h"
#include "sim/vlm/device/device_model.h"
#include "sim/vlm/device/device_runner.h"
#include "sim/vlm/logit_tolerance.h"
#include "sim/vlm/vlm_runner.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

constexpr std::int64_t kVisionKeys = 24;  // the fixture's largest temporal patch (vlm_fixture.h)

TEST(VlmRunner, PrefillDecodeAndGenerateAsTheModels) {
  if (!backend_device_available()) GTEST_SKIP() << "backend " << backend_name() << " has no device here";
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel host(config, vlm_test::fixture_weights(config, 23), VlmRotary{"hope", {}});
  const std::unique_ptr<VlmRunner> device = device_vlm_runner(host), on_host = host_vlm_runner(host);
  const VlmInput prompt = vlm_test::fixture_input(config, 5);
  std::int64_t length = static_cast<std::int64_t>(prompt.input_ids.size());
  const auto tolerance = [&](const std::vector<float>& logits) {
    return 2.0 * logit_tolerance(config, kVisionKeys, length, vlm_test::max_abs(logits));
  };
  KvCache cache;
  const std::vector<float> direct = host.prefill(prompt, &cache);
  const PrefillOptions whole_prompt;
  ASSERT_EQ(on_host->prefill(prompt, whole_prompt), direct);
  const test::WorstElement first = test::worst_element(direct, device->prefill(prompt, whole_prompt), tolerance(direct));
  ASSERT_TRUE(first.ok()) << "device runner, prefill: " << first.message(9);
  for (std::int64_t token : {17, 400, 3}) {
    const std::vector<float> want = host.decode(token, &cache);
    ++length;
    ASSERT_EQ(on_host->decode(token), want) << "host runner, token " << token;
    const test::WorstElement worst = test::worst_element(want, device->decode(token), tolerance(want));
    ASSERT_TRUE(worst.ok()) << "device runner, token " << token << ": " << worst.message(9);
  }
  EXPECT_EQ(on_host->generate(prompt, 3), host.generate(prompt, 3));
  const DeviceVlmModel device_model(host);
  EXPECT_EQ(device->generate(prompt, 3), device_model.generate(prompt, 3));
}

// The twin: a runner over a model of another method is not within the tolerance of this one.
TEST(VlmRunner, TwinRunnerOfAnotherMethodDiffers) {
  if (!backend_device_available()) GTEST_SKIP() << "backend " << backend_name() << " has no device here";
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel hope(config, vlm_test::fixture_weights(config, 23), VlmRotary{"hope", {}});
  const VlmModel mrope(config, vlm_test::fixture_weights(config, 23), VlmRotary{"mrope", {}});
  const VlmInput prompt = vlm_test::fixture_input(config, 5);
  const std::vector<float> want = mrope.prefill(prompt);
  const double tol = 2.0 * logit_tolerance(config, kVisionKeys, static_cast<std::int64_t>(prompt.input_ids.size()),
                                           vlm_test::max_abs(want));
  EXPECT_FALSE(test::worst_element(want, device_vlm_runner(hope)->prefill(prompt, PrefillOptions{}), tol).ok());
}

}  // namespace
}  // namespace hopelab
