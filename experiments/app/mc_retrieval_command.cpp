#include "mc_retrieval_command.h"

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "cli_mc_options.h"
#include "kinds/mc_retrieval.h"
#include "output/cli_output.h"
#include "params/distances.h"
#include "params/frame_grid.h"
#include "params/method.h"
#include "record_output.h"
#include "sim/backend_registry.h"
#include "sim/retrieval.h"
#include "theory/text_parse.h"
#include "unit_command.h"

namespace hopelab::cli {

namespace {

// --frames F or a:b:s: frames = F, or frames = a, frames_end = b, frames_step = s.
void add_frames_flag(CLI::App& cmd, FieldFlags& flags, kinds::Settings& settings) {
  flags.add_text(cmd, "--frames", "video frames F, or a range a:b:s (one row per count and depth)",
                 [&settings](const std::string& text) {
                   const std::vector<std::int64_t> counts = params::parse_stepped_range(text, "frames", 100'000, true);
                   const std::vector<std::string> parts = split(text, ':');
                   kinds::set_field_text(settings, "frames", parts[0]);
                   if (parts.size() == 3) {
                     kinds::set_field_text(settings, "frames_end", parts[1]);
                     kinds::set_field_text(settings, "frames_step", parts[2]);
                   }
                 })
      ->required();
}

// fp32 phases: warns when an offset of the longest layout is beyond float's exact integers.
void warn_if_inexact_fp32(const batch::WorkUnit& unit, const results::RunRecord&) {
  const auto s = kinds::settings_as<kinds::McRetrievalSettings>(*unit.settings);
  if (params::parse_precision(s.precision) != PhasePrecision::fp32) return;
  const std::vector<RetrievalSetup> setups = kinds::retrieval_setups(s);
  const auto longest = std::max_element(setups.begin(), setups.end(),
                                        [](const auto& x, const auto& y) { return x.frames < y.frames; });
  const RetrievalGeometry g = retrieval_geometry(params::build_method(s.method), *longest);
  const Position3 query = g.positions.at(g.keys);
  std::vector<Offset3> offsets;
  for (std::int64_t j = 0; j < g.keys; ++j) offsets.push_back(query - g.positions.at(j));
  warn_inexact_float_offsets(largest_component(offsets));
}

// The settings line, then one row per (frames, depth).
void print_retrieval(const batch::WorkUnit& unit, const results::RunRecord& r, std::ostream& out) {
  using namespace kinds::mc_retrieval;
  const auto s = kinds::settings_as<kinds::McRetrievalSettings>(*unit.settings);
  const Method method = params::build_method(s.method);
  const params::FrameGrid grid = params::parse_frame_grid(s.grid);
  const bool similar = s.similar_period.has_value();
  out << method.name << " (" << design_name(method.design.kind) << " design): single-head retrieval, text:"
      << s.text_before << ",video:Fx" << grid.height << "x" << grid.width << ",text:" << s.text_after
      << ", needle cell " << s.needle_cell
      << (similar ? ", similar distractors every " + std::to_string(*s.similar_period) + " frames" : "") << ", "
      << s.samples << " samples, seed " << unit.seed << ", sigma " << number_text(s.sigma) << ", eps "
      << number_text(s.eps) << ", " << s.precision << " phases, backend " << current_backend().name << "\n";
  const auto column = [&](const kinds::DatasetName& d) { return results::dataset_numbers(r, d.name); };
  const std::vector<double> depth = column(kDepth), frames = column(kFrameCount), keys = column(kKeys),
                            needle_frame = column(kNeedleFrame), offset = column(kNeedleOffset),
                            mass = column(kMass), mass_se = column(kMassStandardError), hit = column(kHitRate),
                            similar_count = column(kSimilarDistractors), similar_hit = column(kSimilarHitRate),
                            n = column(kN);
  const auto integer = [](double v) { return std::to_string(static_cast<std::int64_t>(v)); };
  std::vector<std::string> header = {"frames", "depth", "keys", "needle frame", "needle offset (t,h,w)",
                                     "mass", "SE", "hit rate", "95% Wilson"};
  if (similar) header.insert(header.end(), {"similar", "similar hit", "95% Wilson"});
  Table table(header);
  for (size_t k = 0; k < depth.size(); ++k) {
    std::vector<std::string> row = {frames.empty() ? std::to_string(s.frames) : integer(frames[k]),
                                    number_text(depth[k]), integer(keys[k]), integer(needle_frame[k]),
                                    offset_text({offset[3 * k], offset[3 * k + 1], offset[3 * k + 2]}),
                                    compact_text(mass[k]), compact_text(mass_se[k]), compact_text(hit[k]),
                                    wilson_text(hit[k], n[k])};
    if (similar) {
      const bool any = similar_count[k] > 0;
      row.insert(row.end(), {integer(similar_count[k]), any ? compact_text(similar_hit[k]) : "-",
                             any ? wilson_text(similar_hit[k], n[k]) : "-"});
    }
    table.add_row(row);
  }
  table.print(out);
}

}  // namespace

void add_mc_retrieval_command(CLI::App& mc) {
  UnitCommandOptions options;
  options.print = print_retrieval;
  options.flag_names = {{"similar_period", "--similar-distractor-period"}};
  options.skip = {"frames", "frames_end", "frames_step"};
  options.required = {"grid"};
  options.add_flags = add_frames_flag;
  options.after_compute = warn_if_inexact_fp32;
  add_unit_subcommand(mc, "retrieval", "single-head needle retrieval: softmax mass and top-1 hit of a needle among L keys",
                      kinds::mc_retrieval_kind(), options);
}

}  // namespace hopelab::cli
