// `hopelab bench train`: training throughput of the VLM on the needle task, for a preset with
// random weights (no files): LLM tokens per second of optimiser steps, the median over --repeats
// steps after one untimed step, at each thread count of --threads. Each step is timed in two
// parts: drawing its batch from the task, and the update on it (positions, packed forward,
// backward, clipping, AdamW); "step" is their sum, "update" the part that a framework given
// ready batches times. benchmarks/bench_train.py runs it beside the same model in PyTorch.

#include <omp.h>

#include <iostream>
#include <memory>

#include "allocator_tuning.h"
#include "bench_timing.h"
#include "command_json.h"
#include "output/cli_output.h"
#include "sim/train/trainer.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "sim/vlm/vlm_model.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"
#include "vlm_commands.h"
#include "thread_environment.h"
#include "cli_method_options.h"

namespace hopelab::cli {

namespace {

struct TrainBenchArgs {
  std::string preset = "needle";
  std::string threads = "1,2";
  std::int64_t batch = 16;
  std::int64_t frames = 10;
  int repeats = 9;
  VlmMethodArgs method;
  bool json = false;
};

}  // namespace

void add_train_bench_command(CLI::App& bench) {
  auto a = std::make_shared<TrainBenchArgs>();
  CLI::App* cmd = bench.add_subcommand("train", "VLM training tokens per second on the needle task");
  cmd->add_option("--preset", a->preset, "tiny, needle or base100m (random weights)")->capture_default_str();
  cmd->add_option("--threads", a->threads, "OpenMP thread counts, comma-separated")->capture_default_str();
  cmd->add_option("--batch", a->batch, "examples per step")->capture_default_str();
  cmd->add_option("--frames", a->frames, "frames of every video (fixed, so shapes match other implementations)")
      ->capture_default_str();
  cmd->add_option("--repeats", a->repeats, "timed steps per thread count (the median is reported)")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print one JSON object");
  add_vlm_method_options(*cmd, a->method);
  cmd->callback([a, cmd] {
    reuse_freed_memory();
    if (a->repeats < 1 || a->repeats > 1000) throw InputError("--repeats must be 1..1000, got " + std::to_string(a->repeats));
    std::vector<int> thread_counts;
    for (const std::string& t : split(a->threads, ',')) {
      const std::int64_t n = parse_nonnegative_integer(t, "--threads");
      if (n < 1 || n > 1024) throw InputError("--threads entries must be 1..1024, got " + t);
      thread_counts.push_back(static_cast<int>(n));
    }
    const VlmConfig config = vlm_preset(a->preset);
    TrainSettings settings;
    settings.batch = a->batch;
    settings.steps = a->repeats + 1;
    settings.schedule = LearningRateSchedule{1e-3, 0.1, 1, settings.steps};
    settings.task.min_frames = settings.task.max_frames = a->frames;
    Json rows = Json::array();
    Table table({"threads", "step s", "tokens/s", "tokens/s per thread", "update s", "update tokens/s per thread"});
    std::string method;
    for (int threads : thread_counts) {
      omp_set_num_threads(threads);
      VlmModel model(config, random_weights(config, 0), build_vlm_rotary(a->method));
      check_train_settings(settings, model);
      method = model.method().name;
      AdamWState state = adamw_state(model.tensors());
      std::int64_t tokens = 0;
      train_step(&model, settings, &state);  // untimed: first-touch of every buffer
      std::vector<double> steps, updates;
      for (int r = 0; r < a->repeats; ++r) {
        std::vector<NeedleExample> examples;
        const double draw = timed([&] { examples = step_examples(model.config(), settings, state.step); });
        const double update = timed([&] {
          tokens = update_on_examples(&model, settings, std::move(examples), &state).tokens;
        });
        steps.push_back(draw + update);
        updates.push_back(update);
      }
      const double s = median(steps), rate = static_cast<double>(tokens) / s;
      const double u = median(updates), update_rate = static_cast<double>(tokens) / u;
      rows.push_back(Json{{"threads", threads}, {"step_seconds", s}, {"tokens_per_step", tokens},
                          {"tokens_per_second", rate}, {"tokens_per_second_per_thread", rate / threads},
                          {"update_seconds", u}, {"update_tokens_per_second", update_rate},
                          {"update_tokens_per_second_per_thread", update_rate / threads}});
      table.add_row({std::to_string(threads), compact_text(s), compact_text(rate), compact_text(rate / threads),
                     compact_text(u), compact_text(update_rate / threads)});
    }
    if (a->json) {
      std::cout << command_json(*cmd, {{"implementation", "hopelab"}, {"preset", a->preset}, {"method", method},
                                       {"batch", a->batch}, {"frames", a->frames}, {"repeats", a->repeats},
                                       {"statistic", "median"}, {"omp_wait_policy", wait_policy_name()},
                                       {"rows", rows}})
                       .dump()
                << '\n';
      return;
    }
    std::cout << "preset " << a->preset << ", " << method << ", batch " << a->batch << " of " << a->frames
              << "-frame videos, medians of " << a->repeats << " steps, OpenMP wait policy " << wait_policy_name()
              << "\n";
    table.print(std::cout);
  });
}

}  // namespace hopelab::cli
