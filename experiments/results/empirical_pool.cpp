#include "results/empirical_pool.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <hdf5.h>

#include "results/fnv1a.h"
#include "results/hdf5_handles.h"
#include "results/isolated_read.h"
#include "results/results_file.h"
#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

namespace {

using hdf5::Handle;
using hdf5::QuietHdf5;

const char* type_class_name(H5T_class_t type_class) {
  switch (type_class) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "floating-point";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_VLEN: return "variable-length";
    default: return "unknown";
  }
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text;
  for (size_t k = 0; k < dims.size(); ++k) text += (k ? "x" : "") + std::to_string(dims[k]);
  return text.empty() ? "scalar" : text;
}


// The read itself, in this process.
EmpiricalPool read_pool_here(const std::string& file, const std::string& dataset, int head_dim,
                             std::uintmax_t file_bytes) {
  const QuietHdf5 quiet;
  const std::string where = "dataset '" + dataset + "' in '" + file + "'";
  if (H5Fis_hdf5(file.c_str()) <= 0) throw InputError("empirical pool file '" + file + "' is not an HDF5 file");
  const Handle h5file(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!h5file.valid()) throw InputError("cannot open HDF5 file '" + file + "'");

  const Handle set(H5Dopen2(h5file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) {
    const bool exists = H5Oexists_by_name(h5file.get(), dataset.c_str(), H5P_DEFAULT) > 0;
    throw InputError(exists ? "'" + dataset + "' in '" + file + "' is not a dataset"
                            : "no dataset '" + dataset + "' in '" + file + "'");
  }

  const Handle space(H5Dget_space(set.get()), H5Sclose);
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  if (rank < 0) throw InputError("cannot read the shape of " + where);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  if (rank != 2) {
    throw InputError(where + " has rank " + std::to_string(rank) + " (shape " + shape_text(dims) +
                     "); a pool needs rank 2, (n, d)");
  }

  const Handle type(H5Dget_type(set.get()), H5Tclose);
  const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  const size_t type_size = type.valid() ? H5Tget_size(type.get()) : 0;
  if (type_class != H5T_FLOAT || (type_size != 4 && type_size != 8)) {
    throw InputError(where + " holds " + std::to_string(8 * type_size) + "-bit " + type_class_name(type_class) +
                     " values; a pool needs float32 or float64");
  }

  if (dims[1] != static_cast<hsize_t>(head_dim)) {
    throw InputError(where + " has " + std::to_string(dims[1]) + " columns (shape " + shape_text(dims) +
                     ") but the method's head dim d is " + std::to_string(head_dim));
  }
  if (dims[0] < 2) {
    throw InputError(where + " has " + std::to_string(dims[0]) + (dims[0] == 1 ? " row" : " rows") +
                     "; a pool needs at least 2");
  }
  // Values the file really stores (compressed: at most kMaxExpansion times), within kMaxReadBytes.
  const Handle create(H5Dget_create_plist(set.get()), H5Pclose);
  const bool filtered = !create.valid() || H5Pget_nfilters(create.get()) != 0;
  const std::uint64_t stored = std::min<std::uint64_t>(H5Dget_storage_size(set.get()), file_bytes);
  const std::uint64_t allowed =
      std::min(results::kMaxReadBytes, filtered ? stored * results::kMaxExpansion : stored) / type_size;
  if (dims[0] > allowed / dims[1]) {
    throw InputError(where + " declares " + std::to_string(dims[0]) + " rows but the file stores " +
                     std::to_string(stored) + " bytes for it (at most " + std::to_string(results::kMaxReadBytes) +
                     " bytes are read)");
  }

  EmpiricalPool pool{file, dataset, static_cast<std::int64_t>(dims[0]), head_dim, {}};
  pool.values.resize(static_cast<size_t>(dims[0] * dims[1]));
  // HDF5 converts float32 (exactly) and either byte order to native double.
  if (H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, pool.values.data()) < 0) {
    throw InputError("cannot read the values of " + where);
  }
  const auto d = static_cast<size_t>(head_dim);
  for (size_t k = 0; k < pool.values.size(); ++k) {
    if (!std::isfinite(pool.values[k])) {
      throw InputError(where + " has a non-finite value (" + format_number(pool.values[k]) + ") at row " +
                       std::to_string(k / d) + ", column " + std::to_string(k % d));
    }
  }
  return pool;
}

}  // namespace

EmpiricalPool read_empirical_pool(const std::string& file, const std::string& dataset, int head_dim) {
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (!std::filesystem::exists(status)) throw InputError("empirical pool file '" + file + "' does not exist");
  if (std::filesystem::is_directory(status)) throw InputError("empirical pool file '" + file + "' is a directory");
  if (!std::filesystem::is_regular_file(status)) {
    throw InputError("empirical pool file '" + file + "' is not a regular file");
  }
  const std::uintmax_t bytes = std::filesystem::file_size(file, error);
  if (error) throw InputError("cannot read the size of empirical pool file '" + file + "'");
  results::read_in_child(file, results::read_time_limit(bytes), [&] { read_pool_here(file, dataset, head_dim, bytes); });
  return read_pool_here(file, dataset, head_dim, bytes);
}

std::string pool_checksum(const std::vector<double>& values) {
  results::Fnv1a hash;
  for (double value : values) hash.number(value);
  return "fnv1a64:" + hash.hex();
}

}  // namespace hopelab
