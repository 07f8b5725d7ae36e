#pragma once
// Every unit kind, in documentation order (kinds/registry.cpp is the one list).

#include <string>
#include <vector>

#include "kinds/kind.h"

namespace hopelab::kinds {

const std::vector<const Kind*>& all_kinds();

// The kind named `name`, or nullptr.
const Kind* find_kind(const std::string& name);

// "preference, first-violation, ...": for error messages.
std::string kind_list();

}  // namespace hopelab::kinds
