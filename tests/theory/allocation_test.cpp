// Frequency allocations: the d = 128 presets pair by pair (docs/references.md), coverage
// and counts for any even d, custom specs and their errors.
#include <set>

#include <gtest/gtest.h>

#include "theory/input_error.h"
#include "theory/method.h"

namespace hopelab {
namespace {

std::string axes_string(const FrequencyAllocation& a) {
  std::string s;
  for (int i = 0; i < a.pairs(); ++i) s += a.zero[static_cast<size_t>(i)] ? '0' : axis_name(a.axis[static_cast<size_t>(i)])[0];
  return s;
}

// Expected layouts written out from the reference text, one character per pair
// (t, h, w; '0' = zero frequency), independent of the allocation code.
std::string repeat(const std::string& unit, int times) {
  std::string s;
  for (int i = 0; i < times; ++i) s += unit;
  return s;
}

TEST(Allocation, Qwen2VlMropeChunks) {
  EXPECT_EQ(axes_string(make_method("mrope").allocation),
            std::string(16, 't') + std::string(24, 'h') + std::string(24, 'w'));
}

TEST(Allocation, Qwen3VlInterleave) {
  // Round robin t,h,w over pairs 0..59, then pairs 60..63 on t: counts 24/20/20.
  EXPECT_EQ(axes_string(make_method("mrope-interleave").allocation), repeat("thw", 20) + "tttt");
}

TEST(Allocation, Qwen35InterleavesItsRotatingPairsAndLeavesTheRestUnrotated) {
  // The Qwen3.5 release, d = 256, rotary fraction 0.25: r/2 = 32 rotating pairs interleaved with
  // mrope_section [11, 11, 10] (h at 1 + 3k, k < 11: 1..31; w at 2 + 3k, k < 10: 2..29), then 96
  // unrotated pairs, filed under t.
  MethodOptions o;
  o.spectrum = {256, 1e7};
  const FrequencyAllocation a = make_method("qwen35", o).allocation;
  EXPECT_EQ(axes_string(a), repeat("thw", 10) + "th" + std::string(96, '0'));
  for (int i = 32; i < 128; ++i) EXPECT_EQ(a.axis[static_cast<size_t>(i)], Axis::t) << "pair " << i;
  EXPECT_EQ(make_method("qwen35", o).design.kind, DesignKind::qwen3vl);
  // d = 128: 16 rotating pairs, sections [11, 11, 10] scaled to [6, 5, 5].
  o.spectrum.head_dim = 128;
  EXPECT_EQ(axes_string(make_method("qwen35", o).allocation), repeat("thw", 5) + "t" + std::string(48, '0'));
  // Half of d = 256 rotates: 64 pairs, sections clamped to fit an interleave: h = min(22, 21),
  // w = min(20, 21), t = 23.
  o.spectrum.head_dim = 256;
  o.rotary_fraction = 0.5;
  const FrequencyAllocation half = make_method("qwen35", o).allocation;
  EXPECT_EQ(axes_string(half), repeat("thw", 20) + "thtt" + std::string(64, '0'));
  // Every dimension rotating, with user sections, is Qwen3-VL's allocation of them.
  o.spectrum.head_dim = 128;
  o.rotary_fraction = 1.0;
  o.sections = AxisSections{24, 20, 20};
  EXPECT_EQ(axes_string(make_method("qwen35", o).allocation), axes_string(make_method("qwen3vl").allocation));
  // Nothing rotating (transformers' int(d * fraction) = 0): every pair unrotated.
  o.sections.reset();
  o.rotary_fraction = 0.0;
  EXPECT_EQ(axes_string(make_method("qwen35", o).allocation), std::string(64, '0'));
}

TEST(Allocation, Qwen35RefusesSectionsOfOtherThanItsRotatingPairs) {
  MethodOptions o;
  o.spectrum = {256, 1e7};
  o.sections = AxisSections{16, 24, 24};  // d/2 = 64 would be right for a full rotary, not r/2 = 32
  try {
    make_method("qwen35", o);
    FAIL() << "sections summing to 64 accepted for 32 rotating pairs";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("rotating pairs r/2 = 32"), std::string::npos) << e.what();
  }
  o.sections = AxisSections{2, 20, 10};  // 20 h pairs do not interleave into 32
  EXPECT_THROW(make_method("qwen35", o), InputError);
  o.sections.reset();
  o.rotary_fraction = 1.5;
  EXPECT_THROW(make_method("qwen35", o), InputError);
}

TEST(Allocation, VideoRopeLowFrequencyTemporal) {
  EXPECT_EQ(axes_string(make_method("videorope").allocation), repeat("hw", 24) + std::string(16, 't'));
}

TEST(Allocation, HopeZeroesTheTemporalPairs) {
  EXPECT_EQ(axes_string(make_method("hope").allocation), repeat("hw", 24) + std::string(16, '0'));
  const FrequencyAllocation a = make_method("hope").allocation;
  for (int i = 48; i < 64; ++i) EXPECT_EQ(a.axis[static_cast<size_t>(i)], Axis::t) << "pair " << i;
}

TEST(Allocation, HopeXHalfTheFrequenciesZero) {
  EXPECT_EQ(axes_string(make_method("hope-x").allocation), repeat("hw", 16) + std::string(32, '0'));
}

TEST(Allocation, PRopeTruncatesLowFrequencies) {
  EXPECT_EQ(axes_string(make_method("p-rope").allocation), std::string(48, 't') + std::string(16, '0'));
  MethodOptions o;
  o.keep_fraction = 0.5;
  EXPECT_EQ(axes_string(make_method("p-rope", o).allocation), std::string(32, 't') + std::string(32, '0'));
  o.keep_fraction = 0.3;  // floor(0.3 * 64) = 19
  EXPECT_EQ(axes_string(make_method("p-rope", o).allocation), std::string(19, 't') + std::string(45, '0'));
}

TEST(Allocation, NopeZeroesEveryPair) {
  EXPECT_EQ(axes_string(make_method("nope").allocation), std::string(64, '0'));
  MethodOptions o;
  o.keep_fraction = 1.0;  // p-rope's option does not reach nope
  EXPECT_EQ(axes_string(make_method("nope", o).allocation), std::string(64, '0'));
}

TEST(Allocation, OneDimensionalMethodsReadT) {
  for (const char* name : {"vanilla", "v2pe", "tad-rope"}) {
    EXPECT_EQ(axes_string(make_method(name).allocation), std::string(64, 't')) << name;
  }
}

TEST(Allocation, EveryPresetCoversEveryPairOnceForAnyEvenD) {
  for (const std::string& name : method_names()) {
    if (name == "custom") continue;
    for (int d = 2; d <= 512; d += 2) {
      MethodOptions o;
      o.spectrum.head_dim = d;
      const FrequencyAllocation a = make_method(name, o).allocation;
      ASSERT_EQ(a.pairs(), d / 2) << name << " d=" << d;
      ASSERT_EQ(a.zero.size(), a.axis.size());
      const size_t counted = a.pairs_on(Axis::t).size() + a.pairs_on(Axis::h).size() + a.pairs_on(Axis::w).size();
      EXPECT_EQ(counted, static_cast<size_t>(d / 2)) << name << " d=" << d;
    }
  }
}

TEST(Allocation, UserSectionsAreHonoured) {
  MethodOptions o;
  o.spectrum.head_dim = 64;
  o.sections = AxisSections{8, 12, 12};
  const FrequencyAllocation m = make_method("mrope", o).allocation;
  EXPECT_EQ(m.pairs_on(Axis::t).size(), 8u);
  EXPECT_EQ(m.pairs_on(Axis::h).size(), 12u);
  EXPECT_EQ(m.pairs_on(Axis::w).size(), 12u);
  o.sections = AxisSections{8, 14, 10};  // unequal spatial counts: the official code alternates
  const FrequencyAllocation v = make_method("videorope", o).allocation;  // over all h + w pairs
  EXPECT_EQ(axes_string(v), repeat("hw", 12) + std::string(8, 't'));
}

TEST(Allocation, VideoRopeAndHopeAlternateOverEverySpatialPair) {
  // d = 32, sections 4,8,4: VideoRoPE's and HoPE's code lay h, w alternately over all 12 spatial
  // pairs (hwhwhwhwhwhw), then the 4 temporal pairs.
  MethodOptions o;
  o.spectrum.head_dim = 32;
  o.sections = AxisSections{4, 8, 4};
  EXPECT_EQ(axes_string(make_method("videorope", o).allocation), repeat("hw", 6) + "tttt");
  EXPECT_EQ(axes_string(make_method("hope", o).allocation), repeat("hw", 6) + "0000");
  o.sections = AxisSections{4, 3, 9};
  EXPECT_EQ(axes_string(make_method("hope", o).allocation), repeat("hw", 6) + "0000");
}

TEST(Allocation, MhropeGivesEachKvHeadOneAxis) {
  // Sections [2, 3, 3] of 8 KV heads: heads 0-1 t, 2-4 h, 5-7 w, every pair; with 9 heads head 8
  // is NoPE.
  MethodOptions o;
  o.spectrum.head_dim = 16;
  const std::string axes[] = {"t", "t", "h", "h", "h", "w", "w", "w"};
  for (int head = 0; head < 8; ++head) {
    o.head = head;
    EXPECT_EQ(axes_string(make_method("mhrope", o).allocation), repeat(axes[head], 8)) << "head " << head;
  }
  o.kv_heads = 9;
  o.head = 8;
  EXPECT_EQ(axes_string(make_method("mhrope", o).allocation), std::string(8, '0'));
  o.head = 9;
  EXPECT_THROW(make_method("mhrope", o), InputError);
  o.head = 0;
  o.sections = AxisSections{4, 4, 2};  // 10 heads > 9
  EXPECT_THROW(make_method("mhrope", o), InputError);
  o.kv_heads = 0;
  EXPECT_THROW(make_method("mhrope", o), InputError);
}

TEST(Allocation, BadSectionsAreInputErrors) {
  MethodOptions o;
  o.sections = AxisSections{16, 24, 23};  // sums to 63, not d/2 = 64
  EXPECT_THROW(make_method("mrope", o), InputError);
  o.sections = AxisSections{4, 30, 30};   // interleave cannot place 30 h pairs in 64
  EXPECT_THROW(make_method("mrope-interleave", o), InputError);
  EXPECT_THROW(parse_sections("16,24"), InputError);
  EXPECT_THROW(parse_sections("16,x,24"), InputError);
}

TEST(Allocation, CustomSpec) {
  MethodOptions o;
  o.custom_allocation = "t:48-63;h:0-46:2;w:1-47:2;zero:48-63";
  EXPECT_EQ(axes_string(make_method("custom", o).allocation), axes_string(make_method("hope").allocation));
  for (const char* bad : {"t:0-63;h:0", "t:0-62", "t:0-64", "x:0-63", "t0-63", "t:5-2;h:0-4,6-63"}) {
    o.custom_allocation = bad;
    EXPECT_THROW(make_method("custom", o), InputError) << bad;
  }
  o.custom_allocation = "";
  EXPECT_THROW(make_method("custom", o), InputError);
}

TEST(Allocation, UnknownMethodIsInputError) { EXPECT_THROW(make_method("rope2d"), InputError); }

TEST(Allocation, PairLayoutsPermuteDimensions) {
  std::set<int> halves, adjacent;
  for (int i = 0; i < 64; ++i) {
    const PairDims h = pair_dimensions(i, 128, PairLayout::halves);
    const PairDims a = pair_dimensions(i, 128, PairLayout::adjacent);
    EXPECT_EQ(h.second - h.first, 64);
    EXPECT_EQ(a.first, 2 * i);
    EXPECT_EQ(a.second, 2 * i + 1);
    halves.insert({h.first, h.second});
    adjacent.insert({a.first, a.second});
  }
  EXPECT_EQ(halves.size(), 128u);  // each dimension in exactly one pair
  EXPECT_EQ(adjacent.size(), 128u);
}

}  // namespace
}  // namespace hopelab
