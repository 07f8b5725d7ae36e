#pragma once
// A unit kind: what one [[run]] of a spec (or one computing command) computes. A kind is one file
// (kinds/<kind>.{h,cpp}) that declares its settings (composed from params/), checks them,
// computes a RunRecord, and names its datasets and the attributes it computes; kinds/registry.cpp
// lists the kinds. Everything else (spec reading, unit names, HDF5 attributes, `hopelab kinds`,
// docs) is generic over this interface.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "params/field.h"
#include "results/run_record.h"

namespace hopelab::kinds {

using params::Field;

// A field visitor through the type-erased settings: one overload per field type.
class FieldVisitor {
 public:
  virtual ~FieldVisitor() = default;
  virtual void field(const Field& f, std::string& v) = 0;
  virtual void field(const Field& f, std::int64_t& v) = 0;
  virtual void field(const Field& f, double& v) = 0;
  virtual void field(const Field& f, bool& v) = 0;
  virtual void field(const Field& f, std::optional<double>& v) = 0;
  virtual void field(const Field& f, std::optional<std::int64_t>& v) = 0;
  virtual void field(const Field& f, std::vector<double>& v) = 0;
  virtual void field(const Field& f, std::vector<std::string>& v) = 0;
};

// A dataset a kind writes: its name (the constant every reader uses), unit and description.
struct DatasetName {
  const char* name;
  const char* unit;  // "token|frame": the unit follows the unit's `along`
  const char* description;
  bool optional = false;  // written only in some cases (a violation found, a frames sweep)
  bool scalar = false;    // one number, stored rank 0 (kinds/kind_support.h: scalar_number)
};

// `d` as one number, stored rank 0: inline constexpr DatasetName kX = scalar_dataset({...}).
constexpr DatasetName scalar_dataset(DatasetName d) {
  d.scalar = true;
  return d;
}

// An attribute a kind computes and writes beside its settings (z_bound, reason, ...): its name,
// unit ("" for text, which has none; a fixed unit, not "token|frame") and description. The unit
// is what the record's Attribute carries (kinds/kind_support.h: attribute) and a results file
// lists in attribute_units.
struct AttributeName {
  const char* name;
  const char* unit;
  const char* description;
  bool optional = false;  // written only in some cases (the empirical law's pools)
};

// A unit whose meaning follows the unit's `along`, "token|frame", as `along` makes it: "frame"
// for along = frames, else "token". Other units are returned as they are.
std::string unit_along(const std::string& unit, const std::string& along);

class Kind;

// The settings of one unit: a kind's settings struct behind a virtual interface.
class Settings {
 public:
  virtual ~Settings() = default;
  virtual const Kind& kind() const = 0;
  virtual std::unique_ptr<Settings> clone() const = 0;
  virtual void visit(FieldVisitor& v) = 0;
  // The fields these settings leave unread, by params' rules of options that do not apply
  // (params::fields_not_applying of their method and offsets, and a kind's own rows such as
  // first-violation's grid): held at their defaults by the checks, so a unit's record leaves them
  // out.
  virtual std::vector<std::string> fields_not_applying() const = 0;
  // Records the fields a spec's run or the command line wrote (params::GivenFields): of them, one
  // that does not apply is refused by the checks whatever its value.
  virtual void mark_given(const params::GivenFields& given) = 0;
  // Builds everything compute would and runs the engines' checks; computes nothing. Throws
  // InputError naming the bad value.
  virtual void check(std::uint64_t seed) const = 0;
  // The kind's datasets and attributes (settings and bookkeeping are added by execute_unit).
  virtual void compute(std::uint64_t seed, results::RunRecord& r) const = 0;
  // The unit's work in pair evaluations (params/work_limit.h): 0 for kinds without a measure of
  // their own. Called on checked settings.
  virtual double work() const = 0;
  // The Monte Carlo budget: its samples field times `factor` (no-op for exact kinds). Throws
  // InputError on overflow.
  virtual void scale_samples(std::int64_t factor) = 0;
  // Estimated seconds of compute on docs/perf.md's 2-core machine, for scheduling units across
  // processes (batch/mpi_schedule.h): the kind's own estimate from measured rates, else
  // kDefaultSecondsPerWork x work() + kDefaultUnitSeconds. Only relative sizes matter.
  virtual double cost() const = 0;
  // A Monte Carlo unit that splits by sample ranges: its samples cut into parts() fixed parts
  // by sample index (0: the unit does not split), the raw accumulators of parts [first, last) in
  // part order (computed anywhere), and the record from the accumulators of every part
  // concatenated in part order. compute_from_parts(seed, compute_parts(seed, 0, parts()), r)
  // writes what compute(seed, r) writes, bit for bit, however the parts were grouped.
  virtual std::int64_t parts() const = 0;
  virtual std::vector<double> compute_parts(std::uint64_t seed, std::int64_t first, std::int64_t last) const = 0;
  virtual void compute_from_parts(std::uint64_t seed, const std::vector<double>& accumulators,
                                  results::RunRecord& r) const = 0;
};

// The cost of a kind without an estimate of its own (Settings::cost).
inline constexpr double kDefaultSecondsPerWork = 1e-9;
inline constexpr double kDefaultUnitSeconds = 1e-3;

class Kind {
 public:
  virtual ~Kind() = default;
  virtual const char* name() const = 0;     // "mc-preference"
  virtual const char* summary() const = 0;  // one line
  virtual std::vector<std::string> required() const = 0;  // keys a run must set
  virtual const std::vector<DatasetName>& datasets() const = 0;
  virtual const std::vector<AttributeName>& attributes() const = 0;  // those it computes
  virtual std::unique_ptr<Settings> defaults() const = 0;
  std::vector<params::FieldInfo> schema() const;  // the fields of defaults(), in order
};

// A unit's settings with value semantics (copies clone).
class UnitSettings {
 public:
  UnitSettings() = default;
  explicit UnitSettings(std::unique_ptr<Settings> s) : settings_(std::move(s)) {}
  UnitSettings(const UnitSettings& o) : settings_(o.settings_ ? o.settings_->clone() : nullptr) {}
  UnitSettings(UnitSettings&&) noexcept = default;
  UnitSettings& operator=(UnitSettings o) noexcept {
    settings_ = std::move(o.settings_);
    return *this;
  }
  Settings& operator*() const { return *settings_; }
  Settings* operator->() const { return settings_.get(); }
  explicit operator bool() const { return settings_ != nullptr; }

 private:
  std::unique_ptr<Settings> settings_;
};

// Calls f(Field, member) for every field of `s` (a copy: visiting needs mutable members).
template <class F>
void for_each_field(const Settings& s, F&& f);

// The settings' own "seed" field when the kind has one and it is set (it overrides the
// experiment's seed).
std::optional<std::int64_t> seed_field(const Settings& s);

// A params struct, or a kind's settings struct, P with every field copied from the field of `s`
// of the same name (std::logic_error when `s` has none of that name and type): how code outside
// a kind reads its settings (e.g. settings_as<params::MethodParams>).
template <class P>
P settings_as(const Settings& s);

// Parses `text` into the field `name` of `s` as the command line gives it (params/field_text.h).
// Throws InputError naming the field; std::logic_error when `s` has no field `name`.
void set_field_text(Settings& s, const std::string& name, const std::string& text);

}  // namespace hopelab::kinds

#include "kinds/kind_visit.h"
