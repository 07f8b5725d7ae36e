// Philox known answers on the host (Thrust on OpenMP).
static bool backend_available() { return true; }
#include "philox_kat_test.inc"

// philox_block's documented placement, against a direct Random123 call built here:
// key = (seed low, seed high), counter = (sample low, sample high, draw, stream).
TEST(PhiloxKnownAnswers, BlockPlacesSeedSampleDrawAndStreamAsDocumented) {
  const std::uint64_t seed = 0x0123456789abcdefull, sample = 0xfedcba9876543210ull;
  const philox4x32_ctr_t counter = {{0x76543210u, 0xfedcba98u, 17u, 5u}};
  const philox4x32_key_t key = {{0x89abcdefu, 0x01234567u}};
  const philox4x32_ctr_t direct = philox4x32(counter, key);
  const hopelab::RandomBlock block = hopelab::philox_block(seed, 5u, sample, 17u);
  for (int w = 0; w < 4; ++w) EXPECT_EQ(block.word[w], direct.v[w]) << "word " << w;
}
