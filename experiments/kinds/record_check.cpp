#include "kinds/record_check.h"

#include <set>
#include <string>

#include "kinds/registry.h"
#include "theory/input_error.h"

namespace hopelab::kinds {

void check_record_datasets(const results::RunRecord& record, const std::string& source) {
  const std::string in = source.empty() ? "" : "'" + source + "': ";
  const std::string kind_name = results::string_attribute(record, "kind");
  const Kind* kind = kind_name.empty() ? nullptr : find_kind(kind_name);
  if (!kind) return;
  std::set<std::string> declared, required, held;
  for (const DatasetName& d : kind->datasets()) {
    declared.insert(d.name);
    if (!d.optional) required.insert(d.name);
  }
  for (const results::Dataset& d : record.datasets) {
    held.insert(d.name);
    if (!declared.count(d.name)) {
      throw InputError(in + "'" + record.group + "' holds a dataset '" + d.name + "' that kind " + kind_name +
                       " does not write");
    }
  }
  for (const std::string& name : required) {
    if (!held.count(name)) {
      throw InputError(in + "'" + record.group + "' lacks the dataset '" + name + "' of kind " + kind_name);
    }
  }
}

}  // namespace hopelab::kinds
