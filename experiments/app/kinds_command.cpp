#include "kinds_command.h"

#include <iostream>
#include <memory>
#include <string>

#include "kinds/catalogue.h"
#include "kinds/registry.h"
#include "theory/input_error.h"

namespace hopelab::cli {

namespace {

struct KindsArgs {
  std::string kind;
  bool json = false;
  bool markdown = false;
};

}  // namespace

void add_kinds_command(CLI::App& app) {
  auto a = std::make_shared<KindsArgs>();
  CLI::App* cmd = app.add_subcommand("kinds", "list the unit kinds of a spec, with their fields and datasets");
  cmd->add_option("kind", a->kind, "one kind: its fields (type, default, unit, range) and datasets");
  auto* json = cmd->add_flag("--json", a->json, "print JSON");
  cmd->add_flag("--markdown", a->markdown, "print the Markdown section of docs/usage.md")->excludes(json);
  cmd->callback([a] {
    if (a->markdown) {
      if (!a->kind.empty()) throw InputError("--markdown prints every kind; drop the kind '" + a->kind + "'");
      std::cout << kinds::catalogue_markdown();
      return;
    }
    if (a->kind.empty()) {
      if (a->json) {
        std::cout << kinds::catalogue_json().dump(2) << '\n';
      } else {
        kinds::print_catalogue(std::cout);
      }
      return;
    }
    const kinds::Kind* kind = kinds::find_kind(a->kind);
    if (kind == nullptr) throw InputError("kind must be one of " + kinds::kind_list() + ", got '" + a->kind + "'");
    if (a->json) {
      std::cout << kinds::kind_json(*kind).dump(2) << '\n';
    } else {
      kinds::print_kind(*kind, std::cout);
    }
  });
}

}  // namespace hopelab::cli
