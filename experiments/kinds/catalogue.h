#pragma once
// The kinds as people and programs read them, generated from the registry and each kind's schema
// (`hopelab kinds`): a text table, JSON (fields, dataset and attribute names, which the Python
// tests read instead of spelling them again), and the Markdown section of docs/usage.md between
// <!-- kinds:begin --> and <!-- kinds:end --> (a test fails when the two differ).

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "kinds/kind.h"

namespace hopelab::kinds {

// One kind: {name, summary, required, fields: [{name, type, default, unit, range, description}],
// datasets: [{name, unit, scalar, description}], attributes: [{name, unit, optional, description}]}
// (attributes: those the kind computes beside its settings; unit "" for text).
nlohmann::ordered_json kind_json(const Kind& kind);
// {"kinds": [kind_json(k) for every kind]}.
nlohmann::ordered_json catalogue_json();

// Plain text: the kinds (name, required fields, summary); with a kind, its fields, datasets and
// computed attributes.
void print_catalogue(std::ostream& out);
void print_kind(const Kind& kind, std::ostream& out);

// The generated Markdown section (without its markers).
std::string catalogue_markdown();

}  // namespace hopelab::kinds
