#include "backend_option.h"

#include "params/experiment.h"
#include "sim/backend_registry.h"

namespace hopelab::cli {

void add_backend_option(CLI::App& cmd, std::string& backend, const std::string& default_text) {
  std::string description;
  for (const params::FieldInfo& f : params::schema_of<params::ExperimentParams>()) {
    if (f.name == "backend") description = f.description;
  }
  cmd.add_option("--backend", backend, description + " " + default_text);
}

const Engines& use_backend_flag(const std::string& text) {
  return use_backend(parse_backend_choice(text, "--backend"));
}

}  // namespace hopelab::cli
