#pragma once
// One figure of `hopelab plot`: its data (NAME.dat, whitespace columns under a commented header)
// and its gnuplot commands, rendered by gnuplot into NAME.png and NAME.svg. The saved NAME.gp is
// the whole script: it finds NAME.dat beside itself, so `gnuplot NAME.gp` re-renders anywhere.
// The Okabe–Ito palette is defined here once, as line styles 1..8 of every script.
// A results file is untrusted: every string read from it reaches a script only through
// plain_text (one line, no control characters) and gnuplot_string (a single-quoted literal,
// which gnuplot never substitutes), and a figure's file name only through file_stem.

#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "results/run_record.h"

namespace hopelab::plot {

// Okabe & Ito (2008), colour-blind safe; line style i + 1 of every script is colour i.
constexpr std::array<const char*, 8> kPalette = {"#E69F00", "#56B4E9", "#009E73", "#F0E442",
                                                 "#0072B2", "#D55E00", "#CC79A7", "#000000"};

struct Figure {
  std::string name;        // file stem; `hopelab plot` passes it through file_stem
  std::string description;  // one line, first comment of NAME.dat and NAME.gp
  std::string data;         // NAME.dat after the description: "# ..." header, columns, blocks
  // gnuplot commands drawing the figure once for the current terminal; the data file is the
  // string variable `data`, palette colours are line styles 1..8 (and strings c1..c8).
  std::string commands;
  int width = 1000;   // pixels (png) and points (svg)
  int height = 650;
};

// Writes NAME.dat and NAME.gp into `directory` and runs gnuplot on them; NAME.png and NAME.svg
// must both be drawn and gnuplot must exit 0 (its warnings are not failures). `figure.name` must
// be a file_stem. On any failure the figure's files are removed and InputError names the figure
// with gnuplot's complaint.
void write_figure(const std::string& directory, const Figure& figure, const std::string& source);

// The figures of one `hopelab plot`, drawn into a temporary directory inside the output directory
// and moved into it only when every figure was drawn: a refusal leaves no partial figure set,
// and an output directory that this set created is removed again.
class FigureSet {
 public:
  // Creates `directory` if needed (InputError when it cannot be, or holds a control character).
  explicit FigureSet(const std::string& directory);
  ~FigureSet();  // without commit(): removes the temporary directory (and the directories it created)
  FigureSet(const FigureSet&) = delete;
  FigureSet& operator=(const FigureSet&) = delete;

  // Draws `figure` under file_stem(figure.name), made unique within the set ("_2", "_3", ...);
  // returns the stem used.
  std::string add(Figure figure, const std::string& source);
  // Renames every drawn file into the directory (a non-regular file there is refused first).
  void commit();

 private:
  void remove_created() const;  // the directories the constructor created, when still empty

  std::string directory_, staging_;
  std::filesystem::path created_top_;  // empty when `directory` existed
  bool committed_ = false;
  std::vector<std::string> stems_;
};

// ---- reading a run record -----------------------------------------------------------------
using results::dataset_numbers;
using results::find_dataset;
using results::number_attribute;
// results::string_attribute and results::dataset_unit through plain_text, one line each: the
// only way figures read a string from the file.
std::string text_attribute(const results::RunRecord& run, const std::string& name, const std::string& fallback = "");
std::string unit_text(const results::RunRecord& run, const std::string& name);
// Any attribute as one line of text (numbers %.10g, lists joined by ','), "" when absent.
std::string attribute_text(const results::RunRecord& run, const std::string& name);
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
// `text` on one line: every control character (newline, escape, ...) becomes a space, and
// trailing backslashes (a line continuation in gnuplot) are dropped. For comments and labels.
std::string plain_text(std::string_view text);
// plain_text(text) as a single-quoted gnuplot string literal, a quote written twice ('it''s').
// Inside single quotes gnuplot expands neither `backquotes` nor @macros nor backslash escapes.
std::string gnuplot_string(std::string_view text);
// A file name stem from any text: letters, digits, '_', '-' and inner '.' kept, anything else
// (a '/', a space, a control character, a leading '.') becomes '_'; at most 64 bytes;
// "figure" when nothing is left.
std::string file_stem(std::string_view text);

}  // namespace hopelab::plot
