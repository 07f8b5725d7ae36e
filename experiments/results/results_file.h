#pragma once
// The hopelab results file (HDF5, docs/hdf5-format.md): root attributes naming the file type,
// its format version and the provenance of the run, then one group per finished work unit
// under /runs (experiments/results/run_record.h). Files are written whole to a temporary file
// in the destination's directory and renamed into place, so a reader never sees half a file.
// Host only (HDF5 C API).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/run_record.h"

namespace hopelab::results {

constexpr const char* kFileType = "hopelab-results";
// The one record written outside /runs: an experiment's claims table (unit_index = units_total).
// The reader returns it apart from the units (merge evaluates the claims again from the spec).
constexpr const char* kClaimsGroup = "/claims";
// [major, minor]: a reader accepts its own major and any minor up to its own. 1.1: single numbers
// are rank-0 datasets, units of attributes in attribute_units; 1.2: the attributes a kind computes
// listed there too (docs/hdf5-format.md, "Versioning").
constexpr std::array<std::int64_t, 2> kFormatVersion = {1, 2};
// The group attribute listing "name=unit" for each attribute of the record with a unit.
constexpr const char* kAttributeUnits = "attribute_units";

// Whether a file of `format_version` predates 1.1: single numbers stored with shape (1), every
// method option stored whether it applies or not, no attribute_units.
bool legacy_form(const std::vector<std::int64_t>& format_version);

// Whether a file of `format_version` is of this major and an older minor (1.0, 1.1): `merge` and
// `run --resume` bring its records to this format's form (kinds::current_form).
bool older_form(const std::vector<std::int64_t>& format_version);

// Limits of a read (docs/hdf5-format.md, "Threat model: input side"): the values of one file take
// at most kMaxReadBytes in memory, and a compressed dataset may expand to at most kMaxExpansion
// times the bytes it stores (deflate's own ceiling is about 1032).
constexpr std::uint64_t kMaxReadBytes = std::uint64_t{4} << 30;
constexpr std::uint64_t kMaxExpansion = 1100;

// Root attributes besides filetype and format_version.
struct Provenance {
  std::string hopelab_version;   // project version
  std::string git_commit;        // of the build, "unknown" outside a checkout
  bool git_dirty = false;        // uncommitted changes at build time
  std::string created_utc;       // ISO 8601, e.g. 2026-11-22T09:30:00Z (ignored when comparing)
  std::string host;              // machine name
  std::string backend;           // "cpu-omp" or "cuda": the backend chosen for the run
  std::string device;            // CPU model or GPU name
  std::string compute_capability = "unknown";  // the GPU's, "9.0"; "none" on the CPU
  std::string driver_version = "unknown";      // the GPU driver's, "580.159.03 (CUDA 13.0)"; "none" on the CPU
  std::string runtime_version = "unknown";     // "CUDA 13.0", or "OpenMP 201511" on the CPU
  std::string instruction_set;   // of the CPU code: "native: FLAGS (EXTENSIONS)" or "portable: ..."
  std::string rng = "philox4x32-10";
  std::uint64_t seed = 0;        // the spec's seed
  std::string spec_name;         // experiment name
  std::string spec_text;         // the spec's full TOML text
  std::int64_t units_total = 0;  // work units in the whole spec
  std::string shard = "all";     // "i/n" for a shard, "all" for a whole run or a complete merge
  std::int64_t ranks = 1;        // processes of the run that wrote it (MPI ranks; 0 after merging different counts)
};

struct ResultsFile {
  std::vector<std::int64_t> format_version;  // as stored
  Provenance provenance;
  std::vector<RunRecord> records;            // in unit_index order
  std::optional<RunRecord> claims = std::nullopt;  // the /claims record, when the file has one
};

// Writes `records` (sorted by unit_index in the file) under `path` atomically, through
// output/output_file.h. Refuses an existing `path` unless `overwrite`, and one that is not a
// regular file always (InputError naming it). Throws InputError on I/O failure, leaving no file
// at `path` or its temporary.
void write_results_file(const std::string& path, const Provenance& provenance, const std::vector<RunRecord>& records,
                        bool overwrite);

// Reads a file written by write_results_file. Throws InputError naming the file and the
// problem: missing, not a regular file, not HDF5, wrong filetype, a major version other than ours
// or a newer minor, a dataset or attribute declaring more elements than the file stores (or over
// the limits above), contents check_contents refuses, or a file on which libhdf5 crashes (the
// read runs in a child process first, results/isolated_read.h).
ResultsFile read_results_file(const std::string& path);

// The checks every written and every read file passes: units_total >= 0, ranks >= 0; shard "all", "i/n"
// with 0 <= i < n, or "partial (K of N units)" with N = units_total and K the records held; each
// record at /runs/<name> (or the /claims record, unit_index = units_total), unit_index in
// 0..units_total-1 (when units_total > 0) and in the shard, no group or unit_index twice,
// attribute names non-empty, unique and neither unit_index nor attribute_units, no '=' in the name
// of an attribute with a unit, datasets named, unique, holding as many values as their shape says
// (rank 0: one), string datasets 1-D. Throws InputError naming the record and the problem.
void check_contents(const Provenance& provenance, const std::vector<RunRecord>& records);

// Equal apart from provenance.created_utc (format version, every other provenance field, records).
bool same_content(const ResultsFile& a, const ResultsFile& b);

// This build's provenance fields (version, commit, dirty flag, host, instruction set) and the
// current backend's (sim/backend_registry.h: its name, device, compute capability, driver and
// runtime versions), with created_utc set to now; the caller fills seed, spec and unit counts.
// The caller chooses the backend first.
Provenance current_provenance();

}  // namespace hopelab::results
