#pragma once
// One figure of `hopelab plot`: its data (NAME.dat, whitespace columns under a commented header)
// and its gnuplot commands, rendered by gnuplot into NAME.png and NAME.svg. The saved NAME.gp is
// the whole script: it finds NAME.dat beside itself, so `gnuplot NAME.gp` re-renders anywhere.
// The Okabe–Ito palette is defined here once, as line styles 1..8 of every script.

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "results/run_record.h"

namespace hopelab::plot {

// Okabe & Ito (2008), colour-blind safe; line style i + 1 of every script is colour i.
constexpr std::array<const char*, 8> kPalette = {"#E69F00", "#56B4E9", "#009E73", "#F0E442",
                                                 "#0072B2", "#D55E00", "#CC79A7", "#000000"};

struct Figure {
  std::string name;        // file stem, [a-z0-9_-]
  std::string description;  // one line, first comment of NAME.dat and NAME.gp
  std::string data;         // NAME.dat after the description: "# ..." header, columns, blocks
  // gnuplot commands drawing the figure once for the current terminal; the data file is the
  // string variable `data`, palette colours are line styles 1..8 (and strings c1..c8).
  std::string commands;
  int width = 1000;   // pixels (png) and points (svg)
  int height = 650;
};

// Writes NAME.dat and NAME.gp, runs gnuplot on them and renames all four files into `directory`
// only when NAME.png and NAME.svg were both drawn (temporaries are removed on any failure).
// Throws InputError when the directory cannot be written, std::runtime_error when gnuplot fails.
void write_figure(const std::string& directory, const Figure& figure, const std::string& source);

// Creates `directory` if needed and checks a file can be created in it (InputError otherwise).
void prepare_directory(const std::string& directory);

// ---- reading a run record -----------------------------------------------------------------
using results::dataset_numbers;
using results::dataset_unit;
using results::find_dataset;
using results::number_attribute;
using results::string_attribute;
// The sweep part of a unit name ("pref/method=vanilla" -> "method=vanilla"), else the run name.
std::string sweep_label(const results::RunRecord& run);

// The units of each run (attribute "run") that `keep` accepts, runs in order of first appearance.
struct RunUnits {
  std::string run;
  std::vector<const results::RunRecord*> units;
};
std::vector<RunUnits> units_by_run(const std::vector<results::RunRecord>& records,
                                   const std::function<bool(const results::RunRecord&)>& keep);

// ---- text helpers for scripts and data ----------------------------------------------------
std::string format_number(double value);       // shortest round-trip-ish text, "NaN" for NaN
std::string gnuplot_string(const std::string& text);  // a single-quoted gnuplot string literal

}  // namespace hopelab::plot
