// Writes the sample results file that tests/results/check_h5py_reads.py reads back with h5py
// and h5dump, and that tests/results/check_results_cli.py inspects and merges.
//
//   write_sample_results OUT.h5             every unit, shard "all"
//   write_sample_results OUT.h5 I N         units k with k % N == I, shard "I/N"
//
// The content is a function of the unit index alone, written out in the script too
// (keep the two in step): 4 units of /runs/unit_<k> (attributes with units, rank-0 datasets),
// provenance from this build with seed 1234.
// It exits 1 unless the file reads back as written.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "results/results_file.h"
#include "theory/input_error.h"

namespace {

using namespace hopelab::results;

constexpr std::int64_t kUnits = 4;

RunRecord unit(std::int64_t k) {
  const double kd = static_cast<double>(k);
  RunRecord r;
  r.unit_index = k;
  r.group = "/runs/unit_" + std::to_string(k);
  r.attributes = {{"head_dim", std::int64_t{64} + k, "1"},
                  {"base", 10000.5 + kd, "1"},
                  {"method", std::string("mrope-\xc3\xa9")},
                  {"offsets", std::vector<double>{0.5 * kd, 1.5, -2.25}, "position"},
                  {"layout", std::vector<std::int64_t>{k, 2, 3}},
                  {"nothing", std::vector<double>{}}};
  Dataset mean{"mean", "1", {3, 4}, {}, {}, {}, "mean preference", DatasetKind::automatic};
  for (int i = 0; i < 12; ++i) mean.numbers.push_back(0.25 * i + kd);
  Dataset counts{"counts", "samples", {5}, {}, {}, {}, "samples per offset", {}};
  for (std::int64_t i = 0; i < 5; ++i) counts.integers.push_back(i * i - k);
  Dataset labels{"labels", "", {3}, {}, {}, {"a", "b" + std::to_string(k), "\xc3\xbc"}, "row labels", {}};
  Dataset empty{"empty", "s", {0}, {}, {}, {}, "no timings", DatasetKind::numbers};
  Dataset total{"total", "1", {}, {2.5 + kd}, {}, {}, "one number", {}};
  Dataset first{"first", "token", {}, {}, {40 + k}, {}, "one integer", {}};
  r.datasets = {mean, counts, labels, empty, total, first};
  if (k == 0) {
    Dataset big{"big", "s", {100, 300}, {}, {}, {}, "compressed numbers", {}};
    for (int i = 0; i < 30000; ++i) big.numbers.push_back((i % 977) * 0.125 - 3.0);
    r.datasets.push_back(big);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::cerr << "usage: write_sample_results OUT.h5 [SHARD_INDEX SHARD_COUNT]\n";
    return 2;
  }
  const std::int64_t index = argc == 4 ? std::atoll(argv[2]) : 0;
  const std::int64_t count = argc == 4 ? std::atoll(argv[3]) : 1;
  Provenance p = current_provenance();
  p.seed = 1234;
  p.spec_name = "sample";
  // A spec hopelab run would accept (merge evaluates its claims; this one has none), 4 units.
  p.spec_text =
      "[experiment]\nname = \"sample\"\nseed = 1234\n[[run]]\nname = \"fv\"\nkind = \"first-violation\"\n"
      "[run.sweep]\nmethod = [\"vanilla\", \"mrope\", \"videorope\", \"hope\"]\n";
  p.units_total = kUnits;
  p.shard = argc == 4 ? std::string(argv[2]) + "/" + argv[3] : "all";
  std::vector<RunRecord> records;
  for (std::int64_t k = 0; k < kUnits; ++k) {
    if (k % count == index) records.push_back(unit(k));
  }
  try {
    write_results_file(argv[1], p, records, false);
    // The fixture checks itself: the library reads back exactly what it wrote (records bit for
    // bit, provenance field by field), so a failure downstream is the reader's under test, not
    // a bad fixture.
    const ResultsFile back = read_results_file(argv[1]);
    if (!same_content(back, ResultsFile{back.format_version, p, records})) {
      std::cerr << "write_sample_results: " << argv[1] << " does not read back as written\n";
      return 1;
    }
  } catch (const hopelab::InputError& e) {
    std::cerr << "write_sample_results: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
