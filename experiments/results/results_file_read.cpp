// Reading a hopelab results file (results_file.h): filetype and version checks, provenance,
// run groups in unit_index order. Files are untrusted (docs/hdf5-format.md, "Threat model: input
// side"): every element count is bounded by the bytes the file really stores before anything is
// allocated, the contents get the writer's checks, and the whole read runs once in a forked child
// first (results/isolated_read.h), so a libhdf5 crash on a corrupt file is one error line.
#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>

#include <hdf5.h>

#include "results/hdf5_support.h"
#include "results/isolated_read.h"
#include "results/results_file.h"
#include "theory/input_error.h"

namespace hopelab::results {

using namespace detail;

namespace {

namespace fs = std::filesystem;

// What one read may cost: bytes of values held in memory, over the whole file.
struct ReadBudget {
  std::uint64_t file_bytes = 0;  // the file's size on disk
  std::uint64_t read_bytes = 0;  // values read so far
};

// The element count of `dims` (times `element_bytes`) when the file can really hold it: at most
// the bytes `stored` for the object (capped by the file's size) unless `filtered`, at most
// kMaxExpansion times them when compressed, and within kMaxReadBytes over the file.
size_t bounded_count(const std::vector<hsize_t>& dims, bool is_null, size_t element_bytes, std::uint64_t stored,
                     bool filtered, ReadBudget& budget, const std::string& what) {
  if (is_null) return 0;
  std::uint64_t count = 1;
  for (hsize_t n : dims) {
    if (n != 0 && count > std::numeric_limits<std::uint64_t>::max() / n) {
      throw Hdf5Failure(what + " declares more elements than can be counted");
    }
    count *= n;
  }
  const std::uint64_t size = std::max<std::uint64_t>(1, element_bytes);
  if (count > kMaxReadBytes / size) {
    throw Hdf5Failure(what + " declares " + std::to_string(count) + " elements, over the read limit of " +
                      std::to_string(kMaxReadBytes) + " bytes");
  }
  const std::uint64_t bytes = count * size;
  const std::uint64_t real = std::min(stored, budget.file_bytes);
  const std::uint64_t allowed = filtered ? std::min(kMaxReadBytes, real * kMaxExpansion) : real;
  if (bytes > allowed) {
    throw Hdf5Failure(what + " declares " + std::to_string(count) + " elements (" + std::to_string(bytes) +
                      " bytes) but the file stores " + std::to_string(real) + " bytes for it" +
                      (filtered ? " (compressed data expands at most " + std::to_string(kMaxExpansion) + " times)" : ""));
  }
  if (bytes > kMaxReadBytes - budget.read_bytes) {
    throw Hdf5Failure(what + " takes the values read over the limit of " + std::to_string(kMaxReadBytes) + " bytes");
  }
  budget.read_bytes += bytes;
  return static_cast<size_t>(count);
}

// Reads `count` strings of `type` (variable- or fixed-length) through `read(memory_type, buffer)`.
template <class Read>
std::vector<std::string> read_strings(hid_t type, size_t count, Read read, const std::string& where) {
  std::vector<std::string> out(count);
  if (count == 0) return out;
  const Handle memory(checked(H5Tcopy(H5T_C_S1), where), H5Tclose);
  H5Tset_cset(memory.get(), H5Tget_cset(type));
  if (H5Tis_variable_str(type) > 0) {
    H5Tset_size(memory.get(), H5T_VARIABLE);
    std::vector<char*> texts(count, nullptr);
    checked_status(read(memory.get(), texts.data()), where);
    for (size_t k = 0; k < count; ++k) {
      if (texts[k]) out[k] = texts[k];
      H5free_memory(texts[k]);
    }
    return out;
  }
  const size_t size = H5Tget_size(type);
  H5Tset_size(memory.get(), size);
  H5Tset_strpad(memory.get(), H5T_STR_NULLPAD);
  std::vector<char> buffer(count * size, '\0');
  checked_status(read(memory.get(), buffer.data()), where);
  const bool space_padded = H5Tget_strpad(type) == H5T_STR_SPACEPAD;
  for (size_t k = 0; k < count; ++k) {
    std::string text(buffer.data() + k * size, size);
    text = text.substr(0, text.find('\0'));
    if (space_padded) text.erase(text.find_last_not_of(' ') + 1);
    out[k] = text;
  }
  return out;
}

// The dataspace's dimensions; {} for a scalar, nullopt-like {0} flag for a null space.
std::vector<hsize_t> dims_of(hid_t space, bool& is_null) {
  is_null = H5Sget_simple_extent_type(space) == H5S_NULL;
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(rank > 0 ? static_cast<size_t>(rank) : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

// An attribute of `object` opened for reading: its type, dataspace and extent.
struct OpenAttribute {
  std::string what;  // "attribute 'NAME' of WHERE", for errors
  Handle attribute, type, space;
  bool is_null = false;
  std::vector<hsize_t> dims;

  OpenAttribute(hid_t object, const std::string& name, const std::string& where)
      : what("attribute '" + name + "' of " + where),
        attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose),
        type(checked(H5Aget_type(checked(attribute.get(), "cannot open " + what)), what), H5Tclose),
        space(checked(H5Aget_space(attribute.get()), what), H5Sclose),
        dims(dims_of(space.get(), is_null)) {}

  // The elements to read, within the stored size and the file's read budget.
  size_t count(ReadBudget& budget) const {
    return bounded_count(dims, is_null, H5Tget_size(type.get()), H5Aget_storage_size(attribute.get()), false, budget,
                         what);
  }
  herr_t read(hid_t memory, void* buffer) const { return H5Aread(attribute.get(), memory, buffer); }
};

AttributeValue read_attribute(hid_t object, const std::string& name, const std::string& where, ReadBudget& budget) {
  const OpenAttribute a(object, name, where);
  const std::string& what = a.what;
  const std::vector<hsize_t>& dims = a.dims;
  const bool is_null = a.is_null;
  if (dims.size() > 1) throw Hdf5Failure(what + " has rank " + std::to_string(dims.size()) + "; at most 1 is read");
  const auto read = [&](hid_t memory, void* buffer) { return a.read(memory, buffer); };
  const H5T_class_t type_class = H5Tget_class(a.type.get());
  const size_t count = a.count(budget);
  if (type_class == H5T_STRING) {
    if (!dims.empty() || is_null) throw Hdf5Failure(what + " is a list of strings; only single strings are read");
    return read_strings(a.type.get(), 1, read, what)[0];
  }
  if (type_class == H5T_INTEGER) {
    std::vector<std::int64_t> values(count);
    if (count > 0) checked_status(read(H5T_NATIVE_INT64, values.data()), what);
    if (dims.empty() && !is_null) return values[0];
    return values;
  }
  if (type_class == H5T_FLOAT) {
    std::vector<double> values(count);
    if (count > 0) checked_status(read(H5T_NATIVE_DOUBLE, values.data()), what);
    if (dims.empty() && !is_null) return values[0];
    return values;
  }
  throw Hdf5Failure(what + " has a type that is not an integer, number or string");
}

// The strings of a 1-D string attribute (attribute_units).
std::vector<std::string> read_string_list(hid_t object, const std::string& name, const std::string& where,
                                          ReadBudget& budget) {
  const OpenAttribute a(object, name, where);
  if (H5Tget_class(a.type.get()) != H5T_STRING || a.dims.size() != 1) {
    throw Hdf5Failure(a.what + " is not a list of strings");
  }
  const size_t count = a.count(budget);
  return read_strings(a.type.get(), count, [&](hid_t memory, void* buffer) { return a.read(memory, buffer); }, a.what);
}

// Sets the unit of each attribute named in `entries` ("name=unit", attribute_units).
void assign_units(RunRecord& record, const std::vector<std::string>& entries, const std::string& where) {
  std::set<std::string> seen;
  for (const std::string& entry : entries) {
    const size_t eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    Attribute* attribute = nullptr;
    for (Attribute& a : record.attributes) {
      if (a.name == name) attribute = &a;
    }
    if (eq == std::string::npos || eq + 1 == entry.size() || !attribute || !seen.insert(name).second) {
      throw Hdf5Failure("entry '" + entry + "' of " + kAttributeUnits + " of " + where +
                        " is not name=unit for one attribute of the group");
    }
    attribute->unit = entry.substr(eq + 1);
  }
}

// Names of the links (or attributes) of `object` in creation order, or by name when the file
// did not track creation order.
std::vector<std::string> member_names(hid_t object, bool attributes) {
  std::vector<std::string> names;
  const auto collect = [&](H5_index_t index) {
    names.clear();
    if (attributes) {
      const auto visit = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      };
      return H5Aiterate2(object, index, H5_ITER_INC, nullptr, visit, &names);
    }
    const auto visit = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->push_back(name);
      return 0;
    };
    return H5Literate(object, index, H5_ITER_INC, nullptr, visit, &names);
  };
  if (collect(H5_INDEX_CRT_ORDER) < 0) checked_status(collect(H5_INDEX_NAME), "cannot list members");
  return names;
}

Dataset read_dataset(hid_t group, const std::string& name, const std::string& where, ReadBudget& budget) {
  const std::string what = "dataset '" + name + "' of " + where;
  const Handle set(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  checked(set.get(), "cannot open " + what);
  const Handle type(checked(H5Dget_type(set.get()), what), H5Tclose);
  const Handle space(checked(H5Dget_space(set.get()), what), H5Sclose);
  bool is_null = false;
  const std::vector<hsize_t> dims = dims_of(space.get(), is_null);
  Dataset dataset;
  dataset.name = name;
  for (hsize_t n : dims) dataset.shape.push_back(static_cast<std::int64_t>(n));
  const Handle create(checked(H5Dget_create_plist(set.get()), what), H5Pclose);
  const bool filtered = H5Pget_nfilters(create.get()) != 0;
  const size_t count =
      bounded_count(dims, is_null, H5Tget_size(type.get()), H5Dget_storage_size(set.get()), filtered, budget, what);
  const auto read = [&](hid_t memory, void* buffer) {
    return H5Dread(set.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  };
  switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      dataset.kind = DatasetKind::strings;
      dataset.strings = read_strings(type.get(), count, read, what);
      break;
    case H5T_INTEGER:
      dataset.kind = DatasetKind::integers;
      dataset.integers.resize(count);
      if (count > 0) checked_status(read(H5T_NATIVE_INT64, dataset.integers.data()), what);
      break;
    case H5T_FLOAT:
      dataset.kind = DatasetKind::numbers;
      dataset.numbers.resize(count);
      if (count > 0) checked_status(read(H5T_NATIVE_DOUBLE, dataset.numbers.data()), what);
      break;
    default: throw Hdf5Failure(what + " has a type that is not an integer, number or string");
  }
  for (const char* key : {"unit", "description"}) {
    if (H5Aexists(set.get(), key) <= 0) continue;
    const AttributeValue value = read_attribute(set.get(), key, what, budget);
    const auto* text = std::get_if<std::string>(&value);
    if (!text) throw Hdf5Failure("attribute '" + std::string(key) + "' of " + what + " is not a string");
    (std::string(key) == "unit" ? dataset.unit : dataset.description) = *text;
  }
  return dataset;
}

// The record in group `name` of `parent`, whose path is `parent_path` ("/runs/" or "/").
RunRecord read_record(hid_t parent, const std::string& parent_path, const std::string& name, ReadBudget& budget) {
  const std::string where = "'" + parent_path + name + "'";
  const Handle group(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose);
  checked(group.get(), "cannot open group " + where);
  RunRecord record;
  record.group = parent_path + name;
  bool has_unit = false;
  std::vector<std::string> units;
  for (const std::string& key : member_names(group.get(), true)) {
    if (key == kAttributeUnits) {
      units = read_string_list(group.get(), key, where, budget);
      continue;
    }
    AttributeValue value = read_attribute(group.get(), key, where, budget);
    if (key == "unit_index") {
      const auto* index = std::get_if<std::int64_t>(&value);
      if (!index) throw Hdf5Failure("unit_index of " + where + " is not an integer");
      record.unit_index = *index;
      has_unit = true;
    } else {
      record.attributes.push_back({key, std::move(value)});
    }
  }
  if (!has_unit) throw Hdf5Failure(where + " has no unit_index attribute");
  assign_units(record, units, where);
  for (const std::string& member : member_names(group.get(), false)) {
    // H5Iget_type of the opened object, not H5Oget_info (its signature differs across HDF5 1.10/1.12).
    const Handle object(H5Oopen(group.get(), member.c_str(), H5P_DEFAULT), H5Oclose);
    checked(object.get(), "cannot open '" + member + "' in " + where);
    if (H5Iget_type(object.get()) == H5I_DATASET) record.datasets.push_back(read_dataset(group.get(), member, where, budget));
  }
  return record;
}

std::string root_string(hid_t file, const char* name, ReadBudget& budget) {
  if (H5Aexists(file, name) <= 0) throw Hdf5Failure(std::string("the root attribute '") + name + "' is missing");
  const AttributeValue value = read_attribute(file, name, "the root", budget);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  throw Hdf5Failure(std::string("the root attribute '") + name + "' is not a string");
}

std::int64_t root_integer(hid_t file, const char* name, ReadBudget& budget) {
  if (H5Aexists(file, name) <= 0) throw Hdf5Failure(std::string("the root attribute '") + name + "' is missing");
  const AttributeValue value = read_attribute(file, name, "the root", budget);
  if (const auto* number = std::get_if<std::int64_t>(&value)) return *number;
  throw Hdf5Failure(std::string("the root attribute '") + name + "' is not an integer");
}

std::string version_text(std::int64_t major, std::int64_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

ResultsFile read_open_file(hid_t file, ReadBudget& budget) {
  ResultsFile out;
  if (H5Aexists(file, "filetype") <= 0) throw InputError("is not a hopelab results file (no filetype attribute)");
  const AttributeValue type = read_attribute(file, "filetype", "the root", budget);
  const auto* type_text = std::get_if<std::string>(&type);
  if (!type_text || *type_text != kFileType) {
    throw InputError("is not a hopelab results file (filetype " + (type_text ? "'" + *type_text + "'" : "not a string") +
                     ", expected '" + kFileType + "')");
  }
  if (H5Aexists(file, "format_version") <= 0) throw InputError("has no format_version attribute");
  const AttributeValue version = read_attribute(file, "format_version", "the root", budget);
  const auto* numbers = std::get_if<std::vector<std::int64_t>>(&version);
  if (!numbers || numbers->size() != 2) throw InputError("has a malformed format_version (expected two integers)");
  out.format_version = *numbers;
  const std::string ours = version_text(kFormatVersion[0], kFormatVersion[1]);
  const std::string theirs = version_text((*numbers)[0], (*numbers)[1]);
  if ((*numbers)[0] != kFormatVersion[0]) {
    throw InputError("has format version " + theirs + "; this hopelab reads " + std::to_string(kFormatVersion[0]) + ".x");
  }
  if ((*numbers)[1] > kFormatVersion[1]) {
    throw InputError("has format version " + theirs + ", newer than this hopelab's " + ours + "; update hopelab");
  }

  Provenance& p = out.provenance;
  p.hopelab_version = root_string(file, "hopelab_version", budget);
  p.git_commit = root_string(file, "git_commit", budget);
  p.git_dirty = root_integer(file, "git_dirty", budget) != 0;
  p.created_utc = root_string(file, "created_utc", budget);
  p.host = root_string(file, "host", budget);
  p.backend = root_string(file, "backend", budget);
  p.device = root_string(file, "device", budget);
  // Absent from files written before it was recorded (format 1.0 either way).
  p.instruction_set = H5Aexists(file, "instruction_set") > 0 ? root_string(file, "instruction_set", budget) : "unknown";
  for (auto [name, field] : {std::pair{"compute_capability", &Provenance::compute_capability},
                             std::pair{"driver_version", &Provenance::driver_version},
                             std::pair{"runtime_version", &Provenance::runtime_version}}) {
    p.*field = H5Aexists(file, name) > 0 ? root_string(file, name, budget) : "unknown";
  }
  p.rng = root_string(file, "rng", budget);
  if (H5Aexists(file, "seed") <= 0) throw Hdf5Failure("the root attribute 'seed' is missing");
  {
    const Handle seed(checked(H5Aopen(file, "seed", H5P_DEFAULT), "seed"), H5Aclose);
    const Handle seed_type(checked(H5Aget_type(seed.get()), "the root attribute 'seed'"), H5Tclose);
    const Handle space(checked(H5Aget_space(seed.get()), "the root attribute 'seed'"), H5Sclose);
    if (H5Tget_class(seed_type.get()) != H5T_INTEGER || H5Sget_simple_extent_type(space.get()) != H5S_SCALAR ||
        H5Aget_storage_size(seed.get()) < H5Tget_size(seed_type.get())) {
      throw Hdf5Failure("the root attribute 'seed' is not one integer");
    }
    checked_status(H5Aread(seed.get(), H5T_NATIVE_UINT64, &p.seed), "the root attribute 'seed'");
  }
  p.spec_name = root_string(file, "spec_name", budget);
  p.spec_text = root_string(file, "spec_text", budget);
  p.units_total = root_integer(file, "units_total", budget);
  p.shard = root_string(file, "shard", budget);
  // Absent from files written before it was recorded (format 1.0 either way): one process.
  p.ranks = H5Aexists(file, "ranks") > 0 ? root_integer(file, "ranks", budget) : 1;

  if (H5Lexists(file, "runs", H5P_DEFAULT) <= 0) throw Hdf5Failure("the group /runs is missing");
  const Handle runs(H5Gopen2(file, "runs", H5P_DEFAULT), H5Gclose);
  checked(runs.get(), "cannot open /runs");
  for (const std::string& name : member_names(runs.get(), false)) {
    out.records.push_back(read_record(runs.get(), "/runs/", name, budget));
  }
  std::stable_sort(out.records.begin(), out.records.end(),
                   [](const RunRecord& a, const RunRecord& b) { return a.unit_index < b.unit_index; });
  std::vector<RunRecord> all = out.records;
  const std::string claims = std::string(kClaimsGroup).substr(1);
  if (H5Lexists(file, claims.c_str(), H5P_DEFAULT) > 0) {
    out.claims = read_record(file, "/", claims, budget);
    all.push_back(*out.claims);
  }
  check_contents(out.provenance, all);
  return out;
}

bool same_provenance_but_time(const Provenance& a, const Provenance& b) {
  return a.hopelab_version == b.hopelab_version && a.git_commit == b.git_commit && a.git_dirty == b.git_dirty &&
         a.host == b.host && a.backend == b.backend && a.device == b.device && a.compute_capability == b.compute_capability &&
         a.driver_version == b.driver_version && a.runtime_version == b.runtime_version &&
         a.instruction_set == b.instruction_set &&
         a.rng == b.rng && a.seed == b.seed && a.spec_name == b.spec_name && a.spec_text == b.spec_text &&
         a.units_total == b.units_total && a.shard == b.shard && a.ranks == b.ranks;
}

// The read itself, in this process.
ResultsFile read_here(const std::string& path, std::uint64_t file_bytes) {
  const QuietHdf5 quiet;
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError("results file '" + path + "' is not an HDF5 file");
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw InputError("cannot open HDF5 file '" + path + "'");
  ReadBudget budget;
  budget.file_bytes = file_bytes;
  try {
    return read_open_file(file.get(), budget);
  } catch (const InputError& e) {
    throw InputError("'" + path + "' " + e.what());
  } catch (const Hdf5Failure& e) {
    throw InputError("malformed results file '" + path + "': " + e.what());
  }
}

}  // namespace

ResultsFile read_results_file(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) throw InputError("results file '" + path + "' does not exist");
  if (fs::is_directory(status)) throw InputError("results file '" + path + "' is a directory");
  if (!fs::is_regular_file(status)) throw InputError("results file '" + path + "' is not a regular file");
  const std::uint64_t file_bytes = fs::file_size(path, error);
  if (error) throw InputError("cannot read the size of results file '" + path + "'");
  read_in_child(path, read_time_limit(file_bytes), [&] { read_here(path, file_bytes); });
  return read_here(path, file_bytes);
}

bool same_content(const ResultsFile& a, const ResultsFile& b) {
  return a.format_version == b.format_version && same_provenance_but_time(a.provenance, b.provenance) &&
         a.records == b.records;
}

}  // namespace hopelab::results
