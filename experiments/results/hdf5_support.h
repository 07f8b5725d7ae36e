#pragma once
// HDF5 C API helpers shared by the results file's writer and reader (results_file.cpp,
// results_file_read.cpp): quiet error printing, scoped identifiers, checked calls. Internal to
// hopelab_results.

#include <stdexcept>
#include <string>

#include <hdf5.h>

#include "results/hdf5_handles.h"

namespace hopelab::results::detail {

using hdf5::Handle;
using hdf5::QuietHdf5;

// A failed HDF5 call inside a write or read; the public functions turn it into an InputError
// naming the file.
class Hdf5Failure : public std::runtime_error {
 public:
  explicit Hdf5Failure(const std::string& what) : std::runtime_error(what) {}
};

inline hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) throw Hdf5Failure(what);
  return id;
}

inline void checked_status(herr_t status, const std::string& what) {
  if (status < 0) throw Hdf5Failure(what);
}

// Variable-length UTF-8 string type (how every string is written).
inline hid_t new_utf8_type() {
  const hid_t type = checked(H5Tcopy(H5T_C_S1), "string type");
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

}  // namespace hopelab::results::detail
