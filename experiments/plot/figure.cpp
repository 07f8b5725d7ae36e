#include "plot/figure.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include <gnuplot-iostream.h>

#include "output/output_file.h"
#include "theory/input_error.h"

namespace hopelab::plot {

namespace fs = std::filesystem;

namespace {

// C0 controls and DEL: a newline would end a script line, an escape reach a terminal.
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; }

// The shared head of every NAME.gp: where the script is, what it writes, the palette.
std::string script_head(const Figure& f, const std::string& source) {
  std::ostringstream s;
  s << "# " << plain_text(f.description) << "\n"
    << "# Written by hopelab plot from " << plain_text(source) << ". Re-render with `gnuplot " << f.name << ".gp`\n"
    << "# from any directory: it reads " << f.name << ".dat beside it and writes " << f.name << ".png and "
    << f.name << ".svg there\n"
    << "# (or set data, png_out, svg_out first: gnuplot -e \"png_out='x.png'\" " << f.name << ".gp).\n"
    << "script_dir = '.'\n"
    << "do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { script_dir = ARG0[1:i-1] } }\n"
    << "if (!exists('data')) data = script_dir.'/" << f.name << ".dat'\n"
    << "if (!exists('png_out')) png_out = script_dir.'/" << f.name << ".png'\n"
    << "if (!exists('svg_out')) svg_out = script_dir.'/" << f.name << ".svg'\n"
    << "set encoding utf8\n"
    << "# Okabe-Ito palette (colour-blind safe): strings c1..c8 and line styles 1..8.\n";
  for (std::size_t i = 0; i < kPalette.size(); ++i) {
    s << "c" << i + 1 << " = '" << kPalette[i] << "'\n";
  }
  for (std::size_t i = 0; i < kPalette.size(); ++i) {
    s << "set style line " << i + 1 << " lc rgb c" << i + 1 << " lw 2 pt 7 ps 1.2\n";
  }
  s << "set style line 9 lc rgb '#808080' lw 1 dt 2  # zero lines, references\n"
    << "set grid lc rgb '#d9d9d9' lw 1\n"
    << "set key opaque box lc rgb '#bfbfbf'\n";
  return s.str();
}

std::string script_text(const Figure& f, const std::string& source) {
  std::ostringstream s;
  s << script_head(f, source) << "\n"
    << "do for [pass = 1:2] {\n"
    << "  if (pass == 1) {\n"
    << "    if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    << "      set terminal pngcairo size " << f.width << "," << f.height << " enhanced font 'Sans,13'\n"
    << "    } else {\n"
    << "      set terminal png size " << f.width << "," << f.height << " font 'Sans,13'\n"
    << "    }\n"
    << "    set output png_out\n"
    << "  } else {\n"
    << "    set terminal svg size " << f.width << "," << f.height
    << " dynamic enhanced font 'Sans,13' background '#ffffff'\n"
    << "    set output svg_out\n"
    << "  }\n"
    << f.commands << "  set output\n"
    << "}\n";
  return s.str();
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw InputError("cannot write " + path.string());
}

bool non_empty_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0 && !ec;
}

// What gnuplot wrote on a failed run, as the line its status follows: the exit status is
// appended as kStatusMark N by the shell (so the pipe itself always closes cleanly), the
// complaint is the last line before it that is not a caret under an echoed command.
constexpr const char* kStatusMark = "hopelab: gnuplot exit status ";

std::string gnuplot_failure(const fs::path& path) {
  std::ifstream in(path);
  std::string line, complaint;
  while (std::getline(in, line)) {
    if (line.rfind(kStatusMark, 0) == 0) {
      return complaint.empty() ? "exit status " + line.substr(std::strlen(kStatusMark)) : complaint;
    }
    if (!line.empty() && line.find_first_not_of(" \t^") != std::string::npos) complaint = line;
  }
  return "";  // exit status 0: warnings only
}

}  // namespace

void write_figure(const std::string& directory, const Figure& figure, const std::string& source) {
  if (figure.name.empty() || file_stem(figure.name) != figure.name) {
    throw std::logic_error("figure name '" + figure.name + "' is not a file stem");
  }
  const fs::path dir(directory);
  const std::string tag = ".tmp-" + std::to_string(::getpid());
  const std::vector<std::string> extensions = {"dat", "gp", "png", "svg"};
  const auto temp = [&](const std::string& ext) { return dir / ("." + figure.name + "." + ext + tag); };
  const fs::path err = dir / ("." + figure.name + ".log" + tag);
  const auto remove_temporaries = [&] {
    std::error_code ec;
    for (const std::string& ext : extensions) fs::remove(temp(ext), ec);
    fs::remove(err, ec);
  };
  try {
    write_text(temp("dat"), "# " + plain_text(figure.description) + "\n" + figure.data);
    write_text(temp("gp"), script_text(figure, source));
    {
      const std::string log = shell_quote(err.string());
      Gnuplot gp("gnuplot >" + log + " 2>&1 || echo \"" + kStatusMark + "$?\" >>" + log);
      gp << "data = " << gnuplot_string(temp("dat").string()) << "\n"
         << "png_out = " << gnuplot_string(temp("png").string()) << "\n"
         << "svg_out = " << gnuplot_string(temp("svg").string()) << "\n"
         << "call " << gnuplot_string(temp("gp").string()) << "\n";
      gp.flush();
    }  // closing the pipe waits for gnuplot
    const std::string complaint = gnuplot_failure(err);
    if (!complaint.empty() || !non_empty_file(temp("png")) || !non_empty_file(temp("svg"))) {
      throw InputError("gnuplot failed on figure " + figure.name +
                       (complaint.empty() ? std::string(" (no PNG or SVG drawn)") : ": " + complaint));
    }
    for (const std::string& ext : extensions) {
      const fs::path final_path = dir / (figure.name + "." + ext);
      std::error_code ec;
      fs::rename(temp(ext), final_path, ec);
      if (ec) throw InputError("cannot write " + final_path.string() + ": " + ec.message());
    }
    std::error_code ec;
    fs::remove(err, ec);
  } catch (...) {
    remove_temporaries();
    throw;
  }
}

// ---- a set of figures, moved into place together ------------------------------------------

FigureSet::FigureSet(const std::string& directory) : directory_(directory) {
  if (std::any_of(directory.begin(), directory.end(), is_control)) {
    throw InputError("output directory '" + directory + "' holds a control character");
  }
  std::error_code ec;
  for (fs::path p = fs::absolute(directory, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    created_top_ = p;  // the outermost directory this set creates
    if (p == p.parent_path()) break;
  }
  fs::create_directories(directory, ec);
  if (ec || !fs::is_directory(directory)) {
    remove_created();
    throw InputError("cannot create output directory " + directory + (ec ? ": " + ec.message() : ""));
  }
  const std::string stem = (fs::path(directory) / "hopelab-plot").string();
  output::remove_stale_temporaries(stem);  // figure sets of a killed `hopelab plot`
  staging_ = output::temporary_path(stem);
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec) || ec) {
    remove_created();
    throw InputError("cannot write in output directory " + directory);
  }
}

FigureSet::~FigureSet() {
  std::error_code ec;
  if (!staging_.empty()) fs::remove_all(staging_, ec);
  if (!committed_) remove_created();
}

void FigureSet::remove_created() const {
  if (created_top_.empty()) return;
  std::error_code ec;
  for (fs::path p = fs::absolute(directory_, ec); !ec; p = p.parent_path()) {
    if (!fs::remove(p, ec) || ec || p == created_top_) break;  // fs::remove takes empty directories only
  }
}

std::string FigureSet::add(Figure figure, const std::string& source) {
  const std::string stem = file_stem(figure.name);
  std::string unique = stem;
  for (int k = 2; std::find(stems_.begin(), stems_.end(), unique) != stems_.end(); ++k) {
    unique = stem + "_" + std::to_string(k);
  }
  figure.name = unique;
  write_figure(staging_, figure, source);
  stems_.push_back(unique);
  return unique;
}

void FigureSet::commit() {
  const std::vector<std::string> extensions = {"dat", "gp", "png", "svg"};
  for (const std::string& stem : stems_) {  // every destination checked before any is replaced
    for (const std::string& ext : extensions) {
      output::check_destination((fs::path(directory_) / (stem + "." + ext)).string(), true, "figure file");
    }
  }
  for (const std::string& stem : stems_) {
    for (const std::string& ext : extensions) {
      output::rename_into_place((fs::path(staging_) / (stem + "." + ext)).string(),
                                (fs::path(directory_) / (stem + "." + ext)).string(), "figure file");
    }
  }
  committed_ = true;
}

// ---- reading a run record -----------------------------------------------------------------

std::string text_attribute(const results::RunRecord& run, const std::string& name, const std::string& fallback) {
  return plain_text(results::string_attribute(run, name, fallback));
}

std::string unit_text(const results::RunRecord& run, const std::string& name) {
  return plain_text(results::dataset_unit(run, name));
}

std::string attribute_text(const results::RunRecord& run, const std::string& name) {
  for (const results::Attribute& a : run.attributes) {
    if (a.name != name) continue;
    return std::visit(
        [](const auto& v) -> std::string {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            return plain_text(v);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return std::to_string(v);
          } else if constexpr (std::is_same_v<T, double>) {
            return format_number(v);
          } else {
            std::string out;
            for (const auto& x : v) out += (out.empty() ? "" : ",") + format_number(static_cast<double>(x));
            return out;
          }
        },
        a.value);
  }
  return "";
}

std::string sweep_label(const results::RunRecord& run) {
  const std::string unit = text_attribute(run, "unit", run.group);
  const std::size_t slash = unit.find('/');
  return slash == std::string::npos ? unit : unit.substr(slash + 1);
}

std::vector<RunUnits> units_by_run(const std::vector<results::RunRecord>& records,
                                   const std::function<bool(const results::RunRecord&)>& keep) {
  std::vector<RunUnits> out;
  for (const results::RunRecord& r : records) {
    if (!keep(r)) continue;
    const std::string run = text_attribute(r, "run", "unnamed");
    const auto known = std::find_if(out.begin(), out.end(), [&](const RunUnits& u) { return u.run == run; });
    if (known == out.end()) {
      out.push_back({run, {&r}});
    } else {
      known->units.push_back(&r);
    }
  }
  return out;
}

// ---- text helpers -------------------------------------------------------------------------

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::string plain_text(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (is_control(c)) c = ' ';
  }
  while (!out.empty() && out.back() == '\\') out.pop_back();
  return out;
}

std::string gnuplot_string(std::string_view text) {
  std::string out = "'";
  for (char c : plain_text(text)) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string file_stem(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) {
    const bool kept =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || (c == '.' && !out.empty());
    out += kept ? c : '_';
  }
  return out.empty() ? "figure" : out;
}

}  // namespace hopelab::plot
