#pragma once
// Small HDF5 files for the empirical-pool tests, written with the HDF5 C API (not with the
// reader under test): one dataset per call, of any shape and stored type, values given as
// doubles and converted by HDF5. Throws std::runtime_error when HDF5 refuses.
#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace hopelab::testing {

// Writes `values` (row-major, product of dims long) as dataset `path` of `file`, stored as
// `file_type` (H5T_IEEE_F64LE, H5T_IEEE_F32BE, H5T_STD_I32LE, ...); dims empty = a scalar.
// `create` truncates the file first; otherwise it is opened for writing. Missing groups on the
// way to `path` are created.
inline void write_dataset(const std::string& file, const std::string& path, hid_t file_type,
                          const std::vector<hsize_t>& dims, const std::vector<double>& values, bool create) {
  const auto fail = [&](const char* what) {
    throw std::runtime_error(std::string("hdf5_writer: ") + what + " for " + file + ":" + path);
  };
  const hid_t h5 = create ? H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)
                          : H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (h5 < 0) fail("cannot open the file");
  const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                                   : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  const hid_t set = H5Dcreate2(h5, path.c_str(), file_type, space, links, H5P_DEFAULT, H5P_DEFAULT);
  const bool written =
      set >= 0 && H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0;
  if (set >= 0) H5Dclose(set);
  H5Pclose(links);
  H5Sclose(space);
  H5Fclose(h5);
  if (!written) fail("cannot write the dataset");
}

// Creates group `path` in an existing file.
inline void write_group(const std::string& file, const std::string& path) {
  const hid_t h5 = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t group = h5 < 0 ? -1 : H5Gcreate2(h5, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (group >= 0) H5Gclose(group);
  if (h5 >= 0) H5Fclose(h5);
  if (group < 0) throw std::runtime_error("hdf5_writer: cannot create group " + file + ":" + path);
}

}  // namespace hopelab::testing
