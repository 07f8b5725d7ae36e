#pragma once
// Pools of query/key vectors dumped from a real model, for the Monte Carlo empirical law
// (`dist = "empirical:FILE.h5:/dataset[:/keys]"`, parsed by params/sampling.h; sim/sampling.h):
// each pool is one 2-D HDF5 dataset (n, d) of float32 or float64, read into doubles, row-major.
// Host only (HDF5 C API).

#include <cstdint>
#include <string>
#include <vector>

namespace hopelab {

struct EmpiricalPool {
  std::string file, dataset;
  std::int64_t rows = 0;      // n
  int dim = 0;                // d
  std::vector<double> values; // (n, d) row-major
};

// Reads dataset `dataset` of `file` as a pool of rows of `head_dim` values. Throws InputError,
// naming the file, the dataset and the bad value, when the file is missing or not HDF5, the
// dataset is missing, its rank is not 2, its column count is not head_dim, it has fewer than 2
// rows, its type is not float32/float64, or a value is not finite (row and column named).
// HDF5's own error printing is off while it runs.
EmpiricalPool read_empirical_pool(const std::string& file, const std::string& dataset, int head_dim);

// FNV-1a 64 over the values' IEEE-754 binary64 bytes, least significant byte first (the same on
// every platform), as "fnv1a64:" and 16 hex digits.
std::string pool_checksum(const std::vector<double>& values);

}  // namespace hopelab
