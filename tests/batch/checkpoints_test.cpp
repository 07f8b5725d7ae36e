// The identity of a checkpoint (batch/checkpoints.h). A unit's full record, computed from one spec,
// stands for the unit of the same group in an edited spec when only text around it changed (a
// claim's statement, a comment, a run inserted before it or appended); it is told apart, the
// difference named, when a setting, the seed (the run's or the experiment's), the samples (or
// their factor) changed, or a setting became absent. The source: every provenance field that can
// change the numbers is named when it differs; fields that cannot (host, time, spec text, ranks)
// are not.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "batch/checkpoints.h"
#include "batch/execute_unit.h"
#include "batch/spec.h"

namespace hopelab::batch {
namespace {

const std::string kSpec = R"([experiment]
name = "t"
seed = 7

[[run]]
name = "mc"
kind = "mc-preference"
method = "hope"
gamma = 0.5
head_dim = 16
offsets = "0:2000:1000"
samples = 200
[run.sweep]
base = [1e4, 1e6]

[[run]]
name = "fv"
kind = "first-violation"
method = "mrope"
limit = 2000

[[claim]]
id = "never"
statement = "mrope never violates"
source = "test"
runs = ["fv"]
rule = "never-violated"
)";

// `text` with `from` (which must occur) replaced by `to`.
std::string edited(const std::string& from, const std::string& to, std::string text = kSpec) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("'" + from + "' is not in the spec");
  return text.replace(at, from.size(), to);
}

const WorkUnit& unit_named(const Experiment& ex, const std::string& name) {
  for (const WorkUnit& u : ex.units) {
    if (u.name == name) return u;
  }
  throw std::logic_error("no unit " + name);
}

// The checkpoint's record: the unit of kSpec computed in full (datasets, the kind's attributes,
// seconds), as a checkpoint holds it.
results::RunRecord checkpoint_of(const std::string& name) {
  return execute_unit(unit_named(parse_spec_text(kSpec, "t.toml"), name));
}

std::string difference(const std::string& edited_text, const std::string& name) {
  return unit_difference(checkpoint_of(name), unit_named(parse_spec_text(edited_text, "t.toml"), name));
}

const char* const kUnits[] = {"mc/base=1e4", "mc/base=1e6", "fv"};

TEST(CheckpointIdentity, SameUnitWhateverTheTextAround) {
  const std::string inserted_run = "[[run]]\nname = \"early\"\nkind = \"base-bound\"\ncontext_length = 64\n\n";
  const std::string texts[] = {
      edited("mrope never violates", "mrope never violates at any length"),
      edited("[experiment]", "# a comment\n[experiment]"),
      edited("[[run]]\nname = \"mc\"", inserted_run + "[[run]]\nname = \"mc\""),
      kSpec + "\n[[run]]\nname = \"late\"\nkind = \"base-bound\"\ncontext_length = 64\n",
      edited("samples = 200", "samples = 100", edited("seed = 7", "seed = 7\nsamples_factor = 2")),
  };
  for (const std::string& text : texts) {
    for (const char* name : kUnits) EXPECT_EQ(difference(text, name), "") << name << " in\n" << text;
  }
  // The inserted run moved every unit after it: the identity does not hold the index.
  const Experiment moved = parse_spec_text(texts[2], "t.toml");
  EXPECT_EQ(unit_named(moved, "fv").index, unit_named(parse_spec_text(kSpec, "t.toml"), "fv").index + 1);
}

TEST(CheckpointIdentity, EachChangeIsNamed) {
  struct Case {
    std::string text, unit, expected;
  };
  const Case cases[] = {
      {edited("samples = 200", "samples = 400"), "mc/base=1e4", "samples 400, was 200"},
      {edited("seed = 7", "seed = 7\nsamples_factor = 2"), "mc/base=1e6", "samples 400, was 200"},
      {edited("seed = 7", "seed = 8"), "fv", "seed 8, was 7"},
      {edited("samples = 200", "samples = 200\nseed = 3"), "mc/base=1e4", "seed 3, was 7"},
      {edited("gamma = 0.5", "gamma = 0.25"), "mc/base=1e4", "gamma 0.25, was 0.5"},
      {edited("gamma = 0.5\n", ""), "mc/base=1e6", "gamma absent, was 0.5"},
      {edited("limit = 2000", "limit = 2000\nbase = 1e4"), "fv", "base 1e4, was 1e6"},
      {edited("method = \"mrope\"", "method = \"videorope\""), "fv", "method videorope, was mrope"},
      {edited("offsets = \"0:2000:1000\"", "offsets = \"0:3000:1000\""), "mc/base=1e4", "offsets 0:3000:1000"},
  };
  for (const Case& c : cases) {
    const std::string found = difference(c.text, c.unit);
    EXPECT_NE(found.find(c.expected), std::string::npos)
        << c.unit << ": expected a difference containing '" << c.expected << "', actual '" << found << "' for\n"
        << c.text;
  }
}

TEST(CheckpointIdentity, AnotherUnitOfTheSameGroupIsNotIt) {
  // A record whose kind's settings match but whose bookkeeping names another run or unit.
  results::RunRecord stored = checkpoint_of("fv");
  for (results::Attribute& a : stored.attributes) {
    if (a.name == "run") a.value = std::string("other");
  }
  const Experiment ex = parse_spec_text(kSpec, "t.toml");
  EXPECT_EQ(unit_difference(stored, unit_named(ex, "fv")), "run fv, was other");
  EXPECT_NE(unit_difference(checkpoint_of("mc/base=1e4"), unit_named(ex, "mc/base=1e6")), "");
}

results::Provenance provenance() {
  results::Provenance p;
  p.hopelab_version = "0.1.0";
  p.git_commit = std::string(40, 'a');
  p.git_dirty = false;
  p.created_utc = "2026-01-01T00:00:00Z";
  p.host = "h";
  p.backend = "cpu-omp";
  p.device = "some cpu";
  p.instruction_set = "portable: compiler default (sse2)";
  p.spec_name = "t";
  p.spec_text = kSpec;
  p.units_total = 3;
  p.shard = "all";
  p.ranks = 1;
  return p;
}

TEST(CheckpointSource, EachFieldThatChangesTheNumbersIsNamed) {
  const std::vector<std::int64_t> ours(results::kFormatVersion.begin(), results::kFormatVersion.end());
  const results::Provenance now = provenance();
  EXPECT_EQ(source_difference(ours, now, now), "");
  struct Case {
    const char* field;
    void (*change)(results::Provenance&);
  };
  const Case cases[] = {
      {"hopelab_version", [](results::Provenance& p) { p.hopelab_version = "0.2.0"; }},
      {"git_commit", [](results::Provenance& p) { p.git_commit = std::string(40, 'b'); }},
      {"git_dirty", [](results::Provenance& p) { p.git_dirty = true; }},
      {"instruction_set", [](results::Provenance& p) { p.instruction_set = "native: -march=native (avx2)"; }},
      {"rng", [](results::Provenance& p) { p.rng = "threefry"; }},
      {"backend", [](results::Provenance& p) { p.backend = "cuda"; }},
      {"device", [](results::Provenance& p) { p.device = "another cpu"; }},
      {"shard", [](results::Provenance& p) { p.shard = "0/2"; }},
  };
  for (const Case& c : cases) {
    results::Provenance stored = now;
    c.change(stored);
    const std::string found = source_difference(ours, stored, now);
    EXPECT_NE(found.find(std::string(c.field) + " "), std::string::npos) << c.field << ": got '" << found << "'";
  }
  for (const std::vector<std::int64_t>& older : {std::vector<std::int64_t>{1, 0}, std::vector<std::int64_t>{1, 1}}) {
    const std::string was = "format_version 1.2, was 1." + std::to_string(older[1]);
    EXPECT_NE(source_difference(older, now, now).find(was), std::string::npos) << source_difference(older, now, now);
  }
  // Twins: what does not change the numbers does not count.
  results::Provenance other = now;
  other.host = "elsewhere";
  other.created_utc = "2027-01-01T00:00:00Z";
  other.spec_text = kSpec + "# edited\n";
  other.units_total = 4;
  other.ranks = 3;
  EXPECT_EQ(source_difference(ours, other, now), "");
}

}  // namespace
}  // namespace hopelab::batch
