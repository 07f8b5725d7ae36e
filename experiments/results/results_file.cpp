// Writing a hopelab results file (results_file.h): validation, the HDF5 layout of
// docs/hdf5-format.md, and the atomic temporary-file-and-rename.
#include "results/results_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <tuple>
#include <utility>

#include <hdf5.h>

#include "output/output_file.h"
#include "results/hdf5_support.h"
#include "theory/input_error.h"

namespace hopelab::results {

using namespace detail;

namespace {

namespace fs = std::filesystem;

// Numeric datasets with more elements than this are chunked and compressed (shuffle + deflate).
constexpr std::int64_t kCompressAbove = 4096;
// Chunks hold at most this many elements: the last dimensions whole while they fit, then a slice
// of the next (a fixed rule of the shape alone, so equal inputs give equal files).
constexpr std::int64_t kChunkElements = 65536;
constexpr unsigned kDeflateLevel = 5;

// ------------------------------------------------------------------------------------ writing

void write_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                     const std::vector<hsize_t>& dims, const void* data) {
  const Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                     : dims[0] == 0 ? H5Screate(H5S_NULL)
                                    : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                     H5Sclose);
  checked(space.get(), "dataspace of attribute '" + name + "'");
  const Handle attribute(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  checked(attribute.get(), "attribute '" + name + "'");
  if (dims.empty() || dims[0] > 0) checked_status(H5Awrite(attribute.get(), memory_type, data), "attribute '" + name + "'");
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  const Handle type(new_utf8_type(), H5Tclose);
  const char* text = value.c_str();
  write_attribute(object, name, type.get(), type.get(), {}, &text);
}

void write_string_list_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values) {
  const Handle type(new_utf8_type(), H5Tclose);
  std::vector<const char*> texts;
  for (const std::string& value : values) texts.push_back(value.c_str());
  write_attribute(object, name, type.get(), type.get(), {texts.size()}, texts.data());
}

void write_int_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {}, &value);
}

void write_value_attribute(hid_t object, const Attribute& attribute) {
  const std::string& name = attribute.name;
  if (const auto* i = std::get_if<std::int64_t>(&attribute.value)) {
    write_int_attribute(object, name, *i);
  } else if (const auto* x = std::get_if<double>(&attribute.value)) {
    write_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {}, x);
  } else if (const auto* s = std::get_if<std::string>(&attribute.value)) {
    write_string_attribute(object, name, *s);
  } else if (const auto* xs = std::get_if<std::vector<double>>(&attribute.value)) {
    write_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {xs->size()}, xs->data());
  } else {
    const auto& is = std::get<std::vector<std::int64_t>>(attribute.value);
    write_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {is.size()}, is.data());
  }
}

// Creation properties shared by groups and datasets: no timestamps, attributes (and, for
// groups, links) kept in creation order so readers see them as written.
void set_deterministic_order(hid_t plist, bool links) {
  checked_status(H5Pset_obj_track_times(plist, false), "object times");
  checked_status(H5Pset_attr_creation_order(plist, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "attribute order");
  if (links) checked_status(H5Pset_link_creation_order(plist, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "link order");
}

hid_t create_group(hid_t parent, const std::string& name) {
  const Handle plist(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  set_deterministic_order(checked(plist.get(), "group properties"), true);
  return checked(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, plist.get(), H5P_DEFAULT), "group '" + name + "'");
}

// The chunk rule: trailing dimensions whole while the product fits kChunkElements, then as
// many rows of the next dimension as fit, ones before it.
std::vector<hsize_t> chunk_shape(const std::vector<std::int64_t>& shape) {
  std::vector<hsize_t> chunk(shape.size(), 1);
  std::int64_t budget = kChunkElements;
  for (size_t k = shape.size(); k-- > 0;) {
    const std::int64_t take = std::max<std::int64_t>(1, std::min(shape[k], budget));
    chunk[k] = static_cast<hsize_t>(take);
    budget /= take;
    if (budget < 1) budget = 1;
  }
  return chunk;
}

void write_dataset(hid_t group, const Dataset& dataset) {
  const std::string where = "dataset '" + dataset.name + "'";
  const DatasetKind kind = resolved_kind(dataset);
  std::int64_t count = 1;
  for (std::int64_t n : dataset.shape) count *= n;
  std::vector<hsize_t> dims(dataset.shape.begin(), dataset.shape.end());

  const Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  set_deterministic_order(checked(plist.get(), "dataset properties"), false);
  if (kind != DatasetKind::strings && count > kCompressAbove) {
    const std::vector<hsize_t> chunk = chunk_shape(dataset.shape);
    checked_status(H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()), where + " chunks");
    checked_status(H5Pset_shuffle(plist.get()), where + " shuffle filter");
    checked_status(H5Pset_deflate(plist.get(), kDeflateLevel), where + " deflate filter");
  }
  const Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                                  : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                     H5Sclose);
  checked(space.get(), where + " dataspace");

  const Handle string_type(new_utf8_type(), H5Tclose);
  hid_t file_type = H5T_IEEE_F64LE, memory_type = H5T_NATIVE_DOUBLE;
  const void* data = dataset.numbers.data();
  std::vector<const char*> texts;
  if (kind == DatasetKind::integers) {
    file_type = H5T_STD_I64LE;
    memory_type = H5T_NATIVE_INT64;
    data = dataset.integers.data();
  } else if (kind == DatasetKind::strings) {
    for (const std::string& s : dataset.strings) texts.push_back(s.c_str());
    file_type = memory_type = string_type.get();
    data = texts.data();
  }
  const Handle set(H5Dcreate2(group, dataset.name.c_str(), file_type, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT),
                   H5Dclose);
  checked(set.get(), where);
  if (count > 0) checked_status(H5Dwrite(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), where + " values");
  write_string_attribute(set.get(), "unit", dataset.unit);
  write_string_attribute(set.get(), "description", dataset.description);
}

// `parent`: /runs for a unit's record, the file for the /claims record.
void write_record(hid_t parent, const RunRecord& record) {
  const std::string name = record.group.substr(record.group.find_last_of('/') + 1);
  const Handle group(create_group(parent, name), H5Gclose);
  write_int_attribute(group.get(), "unit_index", record.unit_index);
  std::vector<std::string> units;
  for (const Attribute& attribute : record.attributes) {
    if (!attribute.unit.empty()) units.push_back(attribute.name + "=" + attribute.unit);
  }
  if (!units.empty()) write_string_list_attribute(group.get(), kAttributeUnits, units);
  for (const Attribute& attribute : record.attributes) write_value_attribute(group.get(), attribute);
  for (const Dataset& dataset : record.datasets) write_dataset(group.get(), dataset);
}

void write_root(hid_t file, const Provenance& p) {
  write_string_attribute(file, "filetype", kFileType);
  write_attribute(file, "format_version", H5T_STD_I64LE, H5T_NATIVE_INT64, {kFormatVersion.size()},
                  kFormatVersion.data());
  write_string_attribute(file, "hopelab_version", p.hopelab_version);
  write_string_attribute(file, "git_commit", p.git_commit);
  write_int_attribute(file, "git_dirty", p.git_dirty ? 1 : 0);
  write_string_attribute(file, "created_utc", p.created_utc);
  write_string_attribute(file, "host", p.host);
  write_string_attribute(file, "backend", p.backend);
  write_string_attribute(file, "device", p.device);
  write_string_attribute(file, "compute_capability", p.compute_capability);
  write_string_attribute(file, "driver_version", p.driver_version);
  write_string_attribute(file, "runtime_version", p.runtime_version);
  write_string_attribute(file, "instruction_set", p.instruction_set);
  write_string_attribute(file, "rng", p.rng);
  write_attribute(file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, {}, &p.seed);
  write_string_attribute(file, "spec_name", p.spec_name);
  write_string_attribute(file, "spec_text", p.spec_text);
  write_int_attribute(file, "units_total", p.units_total);
  write_string_attribute(file, "shard", p.shard);
  write_int_attribute(file, "ranks", p.ranks);
}

// "i/n" -> {i, n} when 0 <= i < n (digits only); {-1, -1} otherwise.
std::pair<std::int64_t, std::int64_t> parse_shard_text(const std::string& text) {
  const size_t slash = text.find('/');
  const auto number = [](const std::string& digits) -> std::int64_t {
    if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoll(digits);
  };
  if (slash == std::string::npos) return {-1, -1};
  const std::int64_t i = number(text.substr(0, slash)), n = number(text.substr(slash + 1));
  if (i < 0 || n < 1 || i >= n) return {-1, -1};
  return {i, n};
}

bool valid_link_name(const std::string& name) {
  return !name.empty() && name != "." && name.find('/') == std::string::npos && name.find('\0') == std::string::npos;
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw Hdf5Failure("cannot open '" + path + "' to sync it");
  const int status = ::fsync(fd);
  ::close(fd);
  if (status != 0) throw Hdf5Failure("cannot sync '" + path + "'");
}

// Writes `bytes` to a new file `path` (created; removed by the caller on failure).
void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw Hdf5Failure("cannot create the temporary file '" + path + "'");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = n < 0 ? std::strerror(errno) : "nothing written";
      ::close(fd);
      throw Hdf5Failure("cannot write the temporary file '" + path + "' (" + reason + ")");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw Hdf5Failure("cannot sync the temporary file '" + path + "'");
}

// The file is built in memory (HDF5's core driver, no backing store) and written out by
// write_bytes: a full disk or an I/O error is then an ordinary failed write, and libhdf5 never
// holds a file it cannot flush (whose id it would close again, and crash on, at exit).
void write_file(const std::string& temporary, const Provenance& provenance, const std::vector<RunRecord>& sorted) {
  const Handle file_plist(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  set_deterministic_order(checked(file_plist.get(), "file properties"), true);
  const Handle access(checked(H5Pcreate(H5P_FILE_ACCESS), "file access properties"), H5Pclose);
  checked_status(H5Pset_fapl_core(access.get(), size_t{1} << 20, false), "in-memory file");
  Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, file_plist.get(), access.get()), H5Fclose);
  checked(file.get(), "cannot create the in-memory file for '" + temporary + "'");
  write_root(file.get(), provenance);
  {
    const Handle runs(create_group(file.get(), "runs"), H5Gclose);
    for (const RunRecord& record : sorted) {
      if (record.group != kClaimsGroup) write_record(runs.get(), record);
    }
  }
  for (const RunRecord& record : sorted) {
    if (record.group == kClaimsGroup) write_record(file.get(), record);
  }
  checked_status(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush");
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  if (size < 0) throw Hdf5Failure("cannot take the file's image");
  std::vector<unsigned char> image(static_cast<size_t>(size));
  if (H5Fget_file_image(file.get(), image.data(), image.size()) != size) throw Hdf5Failure("cannot take the file's image");
  checked_status(file.close(), "close");
  write_bytes(temporary, image);
}

}  // namespace

void check_contents(const Provenance& provenance, const std::vector<RunRecord>& records) {
  const std::int64_t total = provenance.units_total;
  if (total < 0) throw InputError("units_total " + std::to_string(total) + " is negative");
  if (provenance.ranks < 0) throw InputError("ranks " + std::to_string(provenance.ranks) + " is negative");
  std::int64_t shard_index = 0, shard_count = 1;
  std::int64_t runs = 0;
  for (const RunRecord& record : records) runs += record.group != kClaimsGroup;
  if (provenance.shard != "all") {
    const std::string partial = "partial (" + std::to_string(runs) + " of " + std::to_string(total) + " units)";
    std::tie(shard_index, shard_count) = parse_shard_text(provenance.shard);
    if (provenance.shard != partial && shard_count < 1) {
      throw InputError("shard '" + provenance.shard + "' is not 'all', i/n with 0 <= i < n, or '" + partial + "'");
    }
    if (shard_count < 1) shard_index = 0, shard_count = 1;
  }
  std::set<std::string> groups;
  std::set<std::int64_t> units;
  for (const RunRecord& record : records) {
    const std::string prefix = "/runs/";
    const std::string name = record.group.rfind(prefix, 0) == 0 ? record.group.substr(prefix.size()) : "";
    // The one record outside /runs: an experiment's claims, at /claims with unit_index = units_total.
    const bool claims = record.group == kClaimsGroup;
    if (claims && record.unit_index != total) {
      throw InputError("the " + record.group + " record needs unit_index = units_total");
    }
    if (!claims && !valid_link_name(name)) throw InputError("run group '" + record.group + "' is not /runs/<name>");
    if (!groups.insert(record.group).second) throw InputError("run group '" + record.group + "' appears twice");
    if (!claims && (record.unit_index < 0 || (total > 0 && record.unit_index >= total))) {
      throw InputError("unit_index " + std::to_string(record.unit_index) + " of '" + record.group +
                       "' is outside 0.." + std::to_string(total - 1));
    }
    if (!claims && record.unit_index % shard_count != shard_index) {
      throw InputError("unit_index " + std::to_string(record.unit_index) + " of '" + record.group +
                       "' is not in shard " + provenance.shard);
    }
    if (!units.insert(record.unit_index).second) {
      throw InputError("unit_index " + std::to_string(record.unit_index) + " appears twice");
    }
    std::set<std::string> names = {"unit_index", kAttributeUnits};
    for (const Attribute& attribute : record.attributes) {
      if (attribute.name.empty() || !names.insert(attribute.name).second) {
        throw InputError("attribute '" + attribute.name + "' of '" + record.group + "' is empty, reserved or repeated");
      }
      if (!attribute.unit.empty() && attribute.name.find('=') != std::string::npos) {
        throw InputError("attribute '" + attribute.name + "' of '" + record.group + "' has a unit and '=' in its name");
      }
    }
    names.clear();
    for (const Dataset& dataset : record.datasets) {
      const std::string where = "dataset '" + dataset.name + "' of '" + record.group + "'";
      if (!valid_link_name(dataset.name) || !names.insert(dataset.name).second) {
        throw InputError(where + " has an invalid or repeated name");
      }
      std::uint64_t count = 1;
      for (std::int64_t n : dataset.shape) {
        if (n < 0) throw InputError(where + " has a negative dimension");
        const auto size = static_cast<std::uint64_t>(n);
        count = size != 0 && count > kMaxReadBytes / size ? kMaxReadBytes : count * size;
      }
      const DatasetKind kind = resolved_kind(dataset);
      const size_t held = kind == DatasetKind::numbers    ? dataset.numbers.size()
                          : kind == DatasetKind::integers ? dataset.integers.size()
                                                          : dataset.strings.size();
      const size_t others = dataset.numbers.size() + dataset.integers.size() + dataset.strings.size() - held;
      if (static_cast<std::uint64_t>(held) != count || others != 0) {
        throw InputError(where + " holds " + std::to_string(held) + " values (and " + std::to_string(others) +
                         " of another kind) but its shape has " + std::to_string(count));
      }
      if (kind == DatasetKind::strings && dataset.shape.size() != 1) {
        throw InputError(where + " holds strings; string datasets must be 1-D");
      }
    }
  }
}

bool legacy_form(const std::vector<std::int64_t>& format_version) {
  return format_version.size() == 2 && format_version[0] == 1 && format_version[1] < 1;
}

bool older_form(const std::vector<std::int64_t>& format_version) {
  return format_version.size() == 2 && format_version[0] == kFormatVersion[0] && format_version[1] < kFormatVersion[1];
}

void write_results_file(const std::string& path, const Provenance& provenance, const std::vector<RunRecord>& records,
                        bool overwrite) {
  try {
    check_contents(provenance, records);  // before anything touches the disk
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + " (results file '" + path + "')");
  }
  const fs::path target(path);
  std::error_code error;
  output::check_destination(path, overwrite, "results file");
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(directory, error)) {
    throw InputError("directory '" + directory.string() + "' of results file '" + path + "' does not exist");
  }
  output::remove_stale_temporaries(path);
  const std::string temporary = output::temporary_path(path);

  std::vector<RunRecord> sorted = records;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const RunRecord& a, const RunRecord& b) { return a.unit_index < b.unit_index; });
  const QuietHdf5 quiet;
  try {
    write_file(temporary, provenance, sorted);  // closes the file before returning
    fsync_path(temporary, O_RDONLY);
  } catch (const Hdf5Failure& failure) {
    fs::remove(temporary, error);
    throw InputError("cannot write results file '" + path + "': " + failure.what());
  }
  output::rename_into_place(temporary, path, "results file");
  try {
    fsync_path(directory.string(), O_RDONLY | O_DIRECTORY);
  } catch (const Hdf5Failure&) {
    // The file is complete and in place; a directory that cannot be synced only weakens durability.
  }
}


}  // namespace hopelab::results
