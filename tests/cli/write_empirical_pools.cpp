// Writes the HDF5 pools the command-line checks read (check_cli_behaviour.py):
//   write_empirical_pools DIR   ->   DIR/pools.h5 with, at d = 16,
//     /queries  (400, 16) float64, anisotropic scales, non-zero means
//     /keys     (300, 16) float32, other means and scales
//     /int (10, 16) int32, /rank3 (2, 3, 16), /narrow (10, 8), /one_row (1, 16),
//     /nan (5, 16) float32 with a NaN at row 2, column 3, and a group /group.
// Values are m_j + s_j g with g N(0, 1) from Philox (kernels/normal.h), the same on every machine.
// It exits 1 unless the pools read back as written (through experiments/results/empirical_pool.h).
#include <cmath>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "results/empirical_pool.h"
#include "hdf5_writer.h"
#include "kernels/normal.h"
#include "theory/input_error.h"

namespace {

std::vector<double> pool(int n, int d, std::uint64_t seed, double mean_shift, double scale_step) {
  std::vector<double> rows(static_cast<size_t>(n * d));
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < d; ++j) {
      const hopelab::VariatePair<double> g =
          hopelab::normal_pair(seed, 0, static_cast<std::uint64_t>(r), static_cast<std::uint32_t>(j / 2));
      const double mean = mean_shift + 0.5 * std::sin(0.7 * j), scale = 0.5 + scale_step * j;
      rows[static_cast<size_t>(r * d + j)] = mean + scale * (j % 2 == 0 ? g.first : g.second);
    }
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_empirical_pools DIR\n";
    return 2;
  }
  using hopelab::testing::write_dataset;
  const std::string file = std::string(argv[1]) + "/pools.h5";
  try {
    write_dataset(file, "/queries", H5T_IEEE_F64LE, {400, 16}, pool(400, 16, 1, 0.8, 0.1), true);
    write_dataset(file, "/keys", H5T_IEEE_F32LE, {300, 16}, pool(300, 16, 2, -0.6, 0.05), false);
    write_dataset(file, "/int", H5T_STD_I32LE, {10, 16}, std::vector<double>(160, 1.0), false);
    write_dataset(file, "/rank3", H5T_IEEE_F64LE, {2, 3, 16}, std::vector<double>(96, 1.0), false);
    write_dataset(file, "/narrow", H5T_IEEE_F64LE, {10, 8}, std::vector<double>(80, 1.0), false);
    write_dataset(file, "/one_row", H5T_IEEE_F64LE, {1, 16}, std::vector<double>(16, 1.0), false);
    std::vector<double> with_nan(80, 0.5);
    with_nan[2 * 16 + 3] = std::nan("");
    write_dataset(file, "/nan", H5T_IEEE_F32LE, {5, 16}, with_nan, false);
    hopelab::testing::write_group(file, "/group");
    // The fixture checks itself through the reader the CLI uses: the good pools read back as
    // written (float32 keys as their float rounding), and the NaN pool is refused.
    const auto same = [&](const std::string& dataset, const std::vector<double>& want, bool as_float) {
      const hopelab::EmpiricalPool got = hopelab::read_empirical_pool(file, dataset, 16);
      for (size_t i = 0; i < want.size(); ++i) {
        const double expected = as_float ? static_cast<double>(static_cast<float>(want[i])) : want[i];
        if (got.values.size() != want.size() || got.values[i] != expected) return false;
      }
      return true;
    };
    if (!same("/queries", pool(400, 16, 1, 0.8, 0.1), false) || !same("/keys", pool(300, 16, 2, -0.6, 0.05), true)) {
      std::cerr << "write_empirical_pools: " << file << " does not read back as written\n";
      return 1;
    }
    try {
      hopelab::read_empirical_pool(file, "/nan", 16);
      std::cerr << "write_empirical_pools: the NaN pool was not refused\n";
      return 1;
    } catch (const hopelab::InputError&) {
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
