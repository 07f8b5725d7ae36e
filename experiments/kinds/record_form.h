#pragma once
// A unit's record as results files of format 1.2 hold it (docs/hdf5-format.md): its settings as
// attributes, only the fields that apply (Settings::fields_not_applying), each with its field's
// unit; the attributes its kind computes with their declared units (Kind::attributes); its single
// numbers (DatasetName::scalar) as rank-0 datasets. The writer (batch/execute_unit) and the
// readers of settings and of records of older formats (1.0, 1.1) share these rules.

#include <string>
#include <vector>

#include "kinds/kind.h"
#include "results/run_record.h"

namespace hopelab::kinds {

// Units of the attributes execute_unit writes beside the settings: the unit's seed and `seconds`.
inline constexpr const char* kSeedUnit = "1";
inline constexpr const char* kSecondsUnit = "s";

// The unit of field `f` in settings `s`: its declared unit, "token|frame" as the settings' `along`
// makes it (unit_along; "token" without an `along` field).
std::string field_unit(const Settings& s, const Field& f);

// One attribute per field of `s` that is present (not an unset optional or an empty array) and
// applies, in field order, with its field_unit; bool as 0/1, string arrays as comma-joined text.
// The "seed" field is left out: execute_unit writes the unit's effective seed.
std::vector<results::Attribute> settings_attributes(const Settings& s);

// The settings a record's attributes describe: its kind's defaults, each field that has an
// attribute of its name set from it ("seed" stays unset: that attribute is the effective seed).
// An absent attribute keeps the default, which is the unit's own value: settings_attributes leaves
// out only absent fields and fields that do not apply, which the kind's checks hold at their
// defaults. Throws InputError naming the record and the attribute when the kind is unknown or an
// attribute has another type than its field.
UnitSettings settings_from_record(const results::RunRecord& record);

// A record read from a file of an older format (results::older_form: 1.0 or 1.1) in the form this
// format writes: single numbers of shape (1) made rank 0 (an optional one of shape (0) dropped;
// 1.0), the attributes of fields that do not apply dropped, units given to the settings'
// attributes, seed, seconds and the attributes the kind computes (1.1 gave those none). A record
// already in this form is returned unchanged; one of no known kind as it is. Throws InputError
// as settings_from_record.
results::RunRecord current_form(const results::RunRecord& record);

}  // namespace hopelab::kinds
