#include "kinds/record_check.h"

#include <algorithm>
#include <set>
#include <string>

#include "kinds/registry.h"
#include "theory/input_error.h"

namespace hopelab::kinds {

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (std::size_t k = 0; k < shape.size(); ++k) text += (k ? ", " : "") + std::to_string(shape[k]);
  return "(" + text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

void check_record_datasets(const results::RunRecord& record, const std::string& source, bool legacy) {
  const std::string in = source.empty() ? "" : "'" + source + "': ";
  const std::string kind_name = results::string_attribute(record, "kind");
  const Kind* kind = kind_name.empty() ? nullptr : find_kind(kind_name);
  if (!kind) return;
  std::set<std::string> required, held;
  for (const DatasetName& d : kind->datasets()) {
    if (!d.optional) required.insert(d.name);
  }
  for (const results::Dataset& d : record.datasets) {
    held.insert(d.name);
    const auto declared = std::find_if(kind->datasets().begin(), kind->datasets().end(),
                                       [&](const DatasetName& n) { return d.name == n.name; });
    if (declared == kind->datasets().end()) {
      throw InputError(in + "'" + record.group + "' holds a dataset '" + d.name + "' that kind " + kind_name +
                       " does not write");
    }
    const bool one_number = legacy ? d.shape == std::vector<std::int64_t>{1} ||
                                         (declared->optional && d.shape == std::vector<std::int64_t>{0})
                                   : d.shape.empty();
    if (declared->scalar && !one_number) {
      throw InputError(in + "'" + record.group + "' holds '" + d.name + "' of shape " + shape_text(d.shape) +
                       "; kind " + kind_name + " writes one number there, of shape " + (legacy ? "(1,)" : "()"));
    }
    if (!declared->scalar && d.shape.empty()) {
      throw InputError(in + "'" + record.group + "' holds '" + d.name + "' of shape (); kind " + kind_name +
                       " writes an array there");
    }
  }
  for (const std::string& name : required) {
    if (!held.count(name)) {
      throw InputError(in + "'" + record.group + "' lacks the dataset '" + name + "' of kind " + kind_name);
    }
  }
}

}  // namespace hopelab::kinds
