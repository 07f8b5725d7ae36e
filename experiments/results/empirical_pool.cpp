#include "results/empirical_pool.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <hdf5.h>

#include "results/hdf5_handles.h"
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

}  // namespace

EmpiricalPool read_empirical_pool(const std::string& file, const std::string& dataset, int head_dim) {
  const QuietHdf5 quiet;
  const std::string where = "dataset '" + dataset + "' in '" + file + "'";
  std::error_code error;
  if (!std::filesystem::exists(file, error)) throw InputError("empirical pool file '" + file + "' does not exist");
  if (std::filesystem::is_directory(file, error)) throw InputError("empirical pool file '" + file + "' is a directory");
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
  const hsize_t limit = static_cast<hsize_t>(INT64_MAX) / 8 / dims[1];
  if (dims[0] > limit) throw InputError(where + " has too many rows (" + std::to_string(dims[0]) + ")");

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

std::string pool_checksum(const std::vector<double>& values) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  for (double value : values) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (bits >> (8 * byte)) & 0xffU;
      hash *= 1099511628211ULL;  // FNV prime
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return std::string("fnv1a64:") + text;
}

}  // namespace hopelab
