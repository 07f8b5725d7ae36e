// Thread-count invariance: prefill logits, the attention probe and cached decode are
// bit-identical at 1 and 2 OpenMP threads (fixed tiles and fixed per-row key order).

#include <gtest/gtest.h>

#include <omp.h>

#include <cstring>

#include "sim/vlm/vlm_model.h"
#include "vlm_fixture.h"

namespace hopelab {
namespace {

struct ThreadRun {
  std::vector<float> logits, probe, decoded;
};

ThreadRun run_with_threads(int threads) {
  const VlmConfig config = vlm_preset("tiny");
  const VlmModel model(config, vlm_test::fixture_weights(config, 51), VlmRotary{"hope", {}});
  VlmInput input = vlm_test::fixture_input(config, 5);
  for (int i = 0; i < 600; ++i) input.input_ids.push_back((i * 37) % 1000);  // several query and key blocks
  omp_set_num_threads(threads);
  ThreadRun run;
  AttentionProbe probe;
  probe.layer = 1;
  probe.query = 500;
  PrefillOptions options;
  options.probe = &probe;
  KvCache cache;
  run.logits = model.prefill(input, &cache, options);
  run.probe = probe.weights;
  run.decoded = model.decode(42, &cache);
  omp_set_num_threads(omp_get_num_procs());
  return run;
}

void expect_bit_identical(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(std::memcmp(&a[i], &b[i], sizeof(float)), 0)
        << what << ": index " << i << ": 1 thread " << a[i] << ", 2 threads " << b[i] << " (bit-identical required)";
  }
}

TEST(VlmThreads, OneAndTwoThreadsGiveBitIdenticalResults) {
  const ThreadRun one = run_with_threads(1), two = run_with_threads(2);
  expect_bit_identical(one.logits, two.logits, "prefill logits");
  expect_bit_identical(one.probe, two.probe, "attention probe");
  expect_bit_identical(one.decoded, two.decoded, "decode logits");
}

}  // namespace
}  // namespace hopelab
