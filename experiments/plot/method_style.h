#pragma once
// How every figure names and draws a rotary method: one display name, one colour, one marker and
// one dash pattern per method (docs/usage.md "Figures"), so a method looks the same in every
// figure. Colours are the Okabe–Ito palette (figure.h) where it reaches, then dark tones of
// Paul Tol's palette; a method the table does not know is grey under its own (plain) name.

#include <string>
#include <vector>

#include "results/run_record.h"

namespace hopelab::plot {

struct MethodStyle {
  std::string name;    // "HoPE", "M-RoPE", ...; never run syntax such as "method=hope"
  std::string colour;  // "#RRGGBB"
  int point = 7;       // gnuplot point type
  int dash = 1;        // gnuplot dash type
};

// The style of `method` as a results file spells it ("vanilla", "mrope-interleave", ...).
MethodStyle method_style(const std::string& method);

// One setting of a sweep point as a legend shows it: "method", "hope" -> "HoPE"; "base", "1e4"
// -> "b = 1e4"; "gamma" -> "γ = ..."; "along", "frames" -> "along frames"; others "key = value".
std::string setting_text(const std::string& key, const std::string& value);

// A unit's curve or panel label: its method's display name, then setting_text of each other key
// of its sweep point but those in `skip` ("HoPE, γ = 0.5"); an axis restriction last.
std::string unit_label(const results::RunRecord& run, const std::vector<std::string>& skip = {});

// " lc rgb '#RRGGBB'": the colour of the k-th curve of `method` in a figure (shade_of).
std::string method_colour(const std::string& method, std::size_t k = 0);

// `colour` mixed with white: share 0 is the colour itself, 0.6 a light tint. The k-th curve of
// one method in a figure uses tint(colour, 0.28 k) (at most three steps), with its own dash.
std::string tint(const std::string& colour, double share);
std::string shade_of(const std::string& colour, std::size_t k);

}  // namespace hopelab::plot
