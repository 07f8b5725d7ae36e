#include "cli_method_options.h"

#include <memory>

#include "field_flags.h"

namespace hopelab::cli {

namespace {

// Binds the fields of `args` except `skip`, parsed once the command's own flags are read.
template <class P>
void add_fields(CLI::App& command, P& args, const std::set<std::string>& skip, bool method_required) {
  auto flags = std::make_shared<FieldFlags>();
  flags->add(command, args, skip);
  if (method_required) flags->require("method");
  command.parse_complete_callback([flags] { flags->apply(); });
}

}  // namespace

void add_method_options(CLI::App& command, MethodArgs& args, bool method_required) {
  add_fields(command, args, {}, method_required);
}

void add_spectrum_options(CLI::App& command, MethodArgs& args) {
  std::set<std::string> skip;
  for (const params::FieldInfo& f : params::schema_of<MethodArgs>()) {
    if (f.name != "head_dim" && f.name != "base") skip.insert(f.name);
  }
  add_fields(command, args, skip, false);
}

void add_vlm_method_options(CLI::App& command, VlmMethodArgs& args) { add_fields(command, args, {}, false); }

}  // namespace hopelab::cli
