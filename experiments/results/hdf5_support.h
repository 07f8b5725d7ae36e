#pragma once
// HDF5 C API helpers shared by the results file's writer and reader (results_file.cpp,
// results_file_read.cpp): quiet error printing, scoped identifiers, checked calls. Internal to
// hopelab_results.

#include <stdexcept>
#include <string>

#include <hdf5.h>

namespace hopelab::results::detail {

// HDF5's automatic error-stack printing is off while this lives (the library reports its own
// one-line errors), and restored afterwards.
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &handler_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, handler_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t handler_ = nullptr;
  void* data_ = nullptr;
};

// An HDF5 identifier, closed with `close` when it goes out of scope (if it is valid).
class Handle {
 public:
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), close_(closer) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  herr_t close() {
    const herr_t status = id_ >= 0 ? close_(id_) : 0;
    id_ = -1;
    return status;
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

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
