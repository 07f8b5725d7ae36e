#pragma once
// --backend auto|cpu|cuda on the computing commands that are not built from a kind's schema
// (run, bench mc, bench vlm, vlm logits, vlm generate): the flag of the [experiment] backend field
// (params/experiment.h), with its words and text; the unit commands get it from that field.

#include <string>

#include <CLI/CLI.hpp>

#include "sim/engines.h"

namespace hopelab::cli {

// Adds --backend to cmd, read into `backend`; `default_text` says what an absent flag means.
void add_backend_option(CLI::App& cmd, std::string& backend, const std::string& default_text = "(default auto)");

// Makes the backend `text` names current (sim/backend_registry.h) and returns it. Throws
// InputError for a word other than auto, cpu or cuda, and for cuda where it cannot run.
const Engines& use_backend_flag(const std::string& text);

}  // namespace hopelab::cli
