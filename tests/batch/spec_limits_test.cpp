// What a spec may not slip through, refused by parse_spec_text before anything is computed:
// non-decimal integers, sweeps beyond kMaxSpecUnits (counted before they expand), units beyond
// the work limit, options that do not apply to the method or the offsets. Each refusal has an
// accepted twin, so a check that refuses everything fails.

#include <gtest/gtest.h>

#include <string>

#include "batch/spec.h"
#include "params/method.h"
#include "params/offsets.h"
#include "params/work_limit.h"
#include "theory/input_error.h"
#include "spec_verdict.h"

namespace hopelab::batch {
namespace {

std::string spec(const std::string& run, const std::string& experiment = "") {
  return "[experiment]\nname = \"t\"\n" + experiment + "\n[[run]]\nname = \"r\"\n" + run;
}

TEST(SpecLimits, IntegersAreDecimal) {
  const std::string run = "kind = \"allocation\"\nmethod = \"vanilla\"\nhead_dim = ";
  EXPECT_TRUE(refused(spec(run + "0x10\n"), "run[0].head_dim: expected a decimal integer"));
  EXPECT_TRUE(refused(spec(run + "0o20\n"), "decimal"));
  EXPECT_TRUE(refused(spec(run + "0b10000\n"), "decimal"));
  EXPECT_TRUE(accepted(spec(run + "16\n")));
}

TEST(SpecLimits, SweepUnitsCountedBeforeExpanding) {
  std::string values;
  for (int k = 0; k < 1000; ++k) values += (k ? ", " : "") + std::to_string(2 * k + 2);
  // 1000^3 = 10^9 units: refused at once (expanding them would hold gigabytes).
  const std::string big = "kind = \"allocation\"\nmethod = \"vanilla\"\n[run.sweep]\nhead_dim = [" + values +
                          "]\nbase = [" + values + "]\nkeep_fraction = [" + values + "]\n";
  EXPECT_TRUE(refused(spec(big), "more than 1000000 units"));
  EXPECT_TRUE(accepted(spec("kind = \"allocation\"\nmethod = \"vanilla\"\n[run.sweep]\nhead_dim = [" + values + "]\n")));
}

TEST(SpecLimits, WorkLimitAndItsOverride) {
  const std::string run =
      "kind = \"mc-preference\"\nmethod = \"vanilla\"\nhead_dim = 8\noffsets = \"0:100:1\"\nsamples = 10000000000\n";
  EXPECT_TRUE(refused(spec(run), "beyond the work limit 1e12"));  // 1e10 x 100 x 4 = 4e12
  EXPECT_TRUE(accepted(spec(run, "max_work = 1e13")));
  EXPECT_TRUE(refused(spec(run, "max_work = 0.5"), "experiment.max_work"));
  EXPECT_TRUE(refused(spec(run, "max_work = inf"), "max_work"));
  EXPECT_THROW(params::check_work(1e12 + 1e6, 1e12, "x"), InputError);
  EXPECT_NO_THROW(params::check_work(1e12, 1e12, "x"));
}

TEST(SpecLimits, OptionsThatDoNotApplyAreRefused) {
  const struct {
    const char* fields;
    const char* needle;  // empty: accepted
  } cases[] = {
      {"method = \"mrope\"\nallocation = \"t:0-63\"", "allocation = t:0-63 does not apply to method mrope"},
      {"method = \"custom\"\nallocation = \"t:0-63\"", ""},
      {"method = \"mrope\"\ngamma = 0.5", "gamma = 0.5 does not apply to method mrope"},
      {"method = \"hope\"\ngamma = 0.5", ""},
      {"method = \"hope\"\ndesign = \"flat\"\ngamma = 0.5", "flat design"},
      {"method = \"hope\"\ndelta = 3.0", "delta"},
      {"method = \"videorope\"\ndelta = 3.0", ""},
      {"method = \"vanilla\"\nkeep_fraction = 0.5", "keep_fraction"},
      {"method = \"p-rope\"\nkeep_fraction = 0.5", ""},
      {"method = \"p-rope\"\nrotary_fraction = 0.5", "rotary_fraction = 0.5 does not apply to method p-rope"},
      {"method = \"qwen35\"\nrotary_fraction = 0.5", ""},
      {"method = \"qwen35\"\nkeep_fraction = 0.5", "keep_fraction"},
      {"method = \"qwen35\"\nhead_dim = 256\nsections = \"11,11,10\"", ""},
      {"method = \"vanilla\"\nsections = \"16,24,24\"", "sections"},
      {"method = \"mrope\"\nfps = 2.0", "fps"},
      {"method = \"mrope\"\ndesign = \"qwen25vl\"\nfps = 2.0", ""},
      {"method = \"vanilla\"\nvisual_step = 0.5", "visual_step"},
      {"method = \"v2pe\"\nvisual_step = 0.5", ""},
      {"method = \"vanilla\"\noffset3 = [1, 2, 3]\noffsets = \"0:10:1\"", "offsets = '0:10:1' does not apply beside offset3"},
      {"method = \"vanilla\"\noffset3 = [1, 2, 3]", ""},
      {"method = \"vanilla\"\ngrid = \"4x4\"", "grid = '4x4' does not apply with along = text"},
      {"method = \"vanilla\"\nalong = \"frames\"\ngrid = \"4x4\"", ""},
      {"method = \"vanilla\"\nalong = \"frames\"\noffsets = \"0:10:1\"", "offsets"},
  };
  for (const auto& c : cases) {
    const std::string text = spec(std::string("kind = \"preference\"\n") + c.fields + "\n");
    if (std::string(c.needle).empty()) {
      EXPECT_TRUE(accepted(text));
    } else {
      EXPECT_TRUE(refused(text, c.needle));
    }
  }
  // first-violation's own grid follows the offsets' rule: read along frames only.
  const std::string fv = "kind = \"first-violation\"\nmethod = \"mrope\"\nlimit = 100\ngrid = \"4x4\"\n";
  EXPECT_TRUE(refused(spec(fv), "grid = '4x4' does not apply with along = text"));
  EXPECT_TRUE(accepted(spec(fv + "along = \"frames\"\n")));
  // ... refused when given at its default too (the given marks reach a kind's own fields); the
  // twin along frames is accepted.
  const std::string at_default = "kind = \"first-violation\"\nmethod = \"mrope\"\nlimit = 100\ngrid = \"12x12\"\n";
  EXPECT_TRUE(refused(spec(at_default), "grid = '12x12' does not apply with along = text"));
  EXPECT_TRUE(accepted(spec(at_default + "along = \"frames\"\n")));
}

TEST(SpecLimits, SpecErrorsNameSpecKeysNotFlags) {
  const std::string run = "kind = \"vlm-frame-match\"\npreset = \"tiny\"\nframes = 2\ngrid = \"1x1\"\ntext_after = ";
  EXPECT_TRUE(refused(spec(run + "1000000000000\n"), "text_after 1000000000000 is outside"));
  EXPECT_TRUE(accepted(spec(run + "3\n")));
}

}  // namespace
}  // namespace hopelab::batch
