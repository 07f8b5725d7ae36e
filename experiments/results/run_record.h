#pragma once
// What one finished work unit of an experiment contributes to a results file: a group named
// after the unit, its parameters as attributes, and its datasets with units. The runner
// (experiments/batch/) produces these; experiments/results/ writes, reads, checkpoints and
// merges them (docs/hdf5-format.md). Host only.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace hopelab::results {

// An attribute value: an integer, a number, a string, or a 1-D list of numbers or integers.
using AttributeValue =
    std::variant<std::int64_t, double, std::string, std::vector<double>, std::vector<std::int64_t>>;

// An attribute with its unit ("1" when dimensionless, "s", "token", ...; "" for none), which a
// results file holds in the group's attribute_units list (docs/hdf5-format.md).
struct Attribute {
  std::string name;
  AttributeValue value;
  std::string unit = "";
};

// What a dataset holds. `automatic` takes it from the one non-empty vector (numbers when all
// are empty); give it explicitly for an empty dataset of integers or strings. Reading sets it.
enum class DatasetKind { automatic, numbers, integers, strings };

// A dataset of numbers (stored as float64) or integers (int64), or strings (one per row),
// with its shape (row-major) and unit ("1" when dimensionless, "s" for timings, ...).
struct Dataset {
  std::string name;
  std::string unit;
  std::vector<std::int64_t> shape;            // product = element count; {n} for 1-D, {} for one number
  std::vector<double> numbers;                // when the dataset holds numbers
  std::vector<std::int64_t> integers;         // when it holds integers
  std::vector<std::string> strings;           // when it holds strings (1-D)
  std::string description;                    // stored as the attribute "description"
  DatasetKind kind = DatasetKind::automatic;
};

struct RunRecord {
  std::int64_t unit_index = 0;     // position in the spec's expansion order (stored as attribute)
  std::string group;               // "/runs/<unit name>", unique in a file
  std::vector<Attribute> attributes;
  std::vector<Dataset> datasets;
};

// ---- reading a record (the claims, the figures and the commands use these) -----------------
const Dataset* find_dataset(const RunRecord& run, const std::string& name);
const Attribute* find_attribute(const RunRecord& run, const std::string& name);
// The values of dataset `name` as doubles (integers converted); empty when absent.
std::vector<double> dataset_numbers(const RunRecord& run, const std::string& name);
// Its unit, "" when absent.
std::string dataset_unit(const RunRecord& run, const std::string& name);
// A string attribute, or `fallback` when absent or not a string.
std::string string_attribute(const RunRecord& run, const std::string& name, const std::string& fallback = "");
// A number or integer attribute as double, or `fallback`.
double number_attribute(const RunRecord& run, const std::string& name, double fallback);

// The kind a dataset is stored as (never `automatic`).
DatasetKind resolved_kind(const Dataset& dataset);

// Equal content: names, units, shapes, resolved kinds, values (doubles compared bit for bit,
// so NaN equals itself and -0 differs from 0), attributes (with their units) in order.
bool operator==(const Attribute& a, const Attribute& b);
bool operator==(const Dataset& a, const Dataset& b);
bool operator==(const RunRecord& a, const RunRecord& b);
inline bool operator!=(const Attribute& a, const Attribute& b) { return !(a == b); }
inline bool operator!=(const Dataset& a, const Dataset& b) { return !(a == b); }
inline bool operator!=(const RunRecord& a, const RunRecord& b) { return !(a == b); }

}  // namespace hopelab::results
