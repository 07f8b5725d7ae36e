#include "cli_method_options.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "field_flags.h"
#include "theory/allocation.h"
#include "theory/escape_text.h"
#include "theory/input_error.h"
#include "theory/spectrum.h"
#include "theory/text_format.h"
#include "vlm/rotary_config.h"

namespace hopelab::cli {

namespace {

// One method field a config sets: its value as a flag's text, and what it came from.
struct ConfigField {
  std::string field, text, origin;
};

std::string exact_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

bool reads_pair_sections(const std::string& method) {
  return method == "mrope" || method == "mrope-interleave" || method == "qwen35" || method == "videorope" ||
         method == "hope" || method == "hope-x";
}

std::vector<ConfigField> config_fields(const ModelRotary& m, const std::string& method, const std::string& path) {
  const std::string file = "config.json '" + escape_control(path) + "'";
  std::vector<ConfigField> out;
  out.push_back({"head_dim", std::to_string(m.head_dim), "head dim " + std::to_string(m.head_dim) + " of " + file});
  const double d = static_cast<double>(m.head_dim), r = static_cast<double>(m.rotary_dim);
  const std::string rotary = "partial_rotary_factor " + format_number(m.partial_rotary_factor) + " of " + file +
                             " (" + std::to_string(m.rotary_dim) + " of " + std::to_string(m.head_dim) +
                             " dimensions rotate)";
  if (method == "qwen35") {  // Qwen3.5's own partial rotary: rope_theta and r/d as they are
    out.push_back({"base", exact_text(m.rope_theta), "rope_theta " + format_number(m.rope_theta) + " of " + file});
    out.push_back({"rotary_fraction", exact_text(r / d), "r/d of " + rotary});
  } else if (m.rotary_dim == m.head_dim) {
    out.push_back({"base", exact_text(m.rope_theta), "rope_theta " + format_number(m.rope_theta) + " of " + file});
  } else {
    // theta_i = rope_theta^(-2i/r) for i < r/2, the rest unrotated: p-rope's kept pairs at base rope_theta^(d/r).
    const double base =
        partial_rotary_base(m.rope_theta, static_cast<int>(m.head_dim), static_cast<int>(m.rotary_dim));
    if (method != "p-rope") {
      throw InputError(rotary + " is method p-rope with keep_fraction " + format_number(r / d) + " and base " +
                       format_number(base) + ", or method qwen35 (interleaved sections) with rotary_fraction " +
                       format_number(r / d) + "; give --method p-rope or --method qwen35" +
                       (method.empty() ? "" : ", not '" + escape_control(method) + "'"));
    }
    out.push_back({"base", exact_text(base), "rope_theta^(d/r) of " + rotary});
    out.push_back({"keep_fraction", exact_text(r / d), "r/d of " + rotary});
  }
  if (m.mrope_section && reads_pair_sections(method)) {
    const std::vector<int>& s = *m.mrope_section;
    const std::string text = std::to_string(s[0]) + "," + std::to_string(s[1]) + "," + std::to_string(s[2]);
    out.push_back({"sections", text, "mrope_section [" + text + "] of " + file});
  }
  return out;
}

bool same_value(const std::string& field, const std::string& a, const std::string& b) {
  if (field == "sections") {
    const AxisSections x = parse_sections(a), y = parse_sections(b);
    return x.t == y.t && x.h == y.h && x.w == y.w;
  }
  const double x = std::strtod(a.c_str(), nullptr), y = std::strtod(b.c_str(), nullptr);
  return std::fabs(x - y) <= 1e-12 * std::fabs(y);
}

// The fields the config at `path` sets, into `flags` (after the flags given were applied).
void apply_model_config(const FieldFlags& flags, const std::string& method, const std::string& path) {
  ModelRotary model;
  try {
    model = read_model_rotary(path);
  } catch (const InputError& e) {
    throw InputError(std::string("--config: ") + e.what());
  }
  for (const ConfigField& f : config_fields(model, method, path)) {
    if (!flags.bound(f.field)) continue;  // e.g. theory report has no --sections
    if (const auto given = flags.given(f.field)) {
      if (!same_value(f.field, *given, f.text)) {
        throw InputError(FieldFlags::flag_name(f.field.c_str()) + " " + escape_control(*given) + " disagrees with " +
                         f.origin + "; leave the flag out, or leave out --config and give every value");
      }
      continue;
    }
    flags.set(f.field, f.text);
  }
}

// Binds the fields of `args` except `skip`, parsed once the command's own flags are read; the
// fields whose flags were given are marked so (params::mark_given).
template <class P>
void add_fields(CLI::App& command, P& args, const std::set<std::string>& skip, bool method_required) {
  auto flags = std::make_shared<FieldFlags>();
  flags->add(command, args, skip);
  if (method_required) flags->require("method");
  if constexpr (std::is_same_v<P, MethodArgs>) {
    add_model_config_option(command, *flags, [&args] { return args.method; });
  }
  command.parse_complete_callback([flags, &args] {
    flags->apply();
    params::mark_given(args, flags->given_fields());
  });
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

void add_model_config_option(CLI::App& command, FieldFlags& flags, std::function<std::string()> method) {
  FieldFlags* bound = &flags;  // outlives the command's parsing (owned beside it)
  flags.add_text(command, "--config",
                 "a model's config.json: sets head_dim, base, sections (and p-rope's keep_fraction, "
                 "qwen35's rotary_fraction)",
                 [bound, method](const std::string& path) { apply_model_config(*bound, method(), path); });
}

}  // namespace hopelab::cli
