// `hopelab vlm train`: trains the VLM on the needle task (docs/vlm.md "Training") from a
// checkpoint or a preset's random weights, with the method and its options, optional DTS,
// AdamW, warm-up and cosine decay, global-norm clipping. Writes the final checkpoint, the
// optimiser state and the log (train_log.h5) into the output directory, with checkpoints every
// --checkpoint-every steps under DIR/state; --resume continues from the newest one and ends
// with the same bytes as an uninterrupted run (same settings and thread count).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "allocator_tuning.h"
#include "cli_method_options.h"
#include "command_json.h"
#include "sim/train/trainer.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "sim/vlm/vlm_model.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"
#include "train_state.h"
#include "vlm/checkpoint.h"
#include "vlm/input_file.h"
#include "vlm_commands.h"
#include "unsigned_option.h"

namespace hopelab::cli {

namespace {

struct TrainArgs {
  std::string model, preset, output, dts, data, variant = "plain";
  std::uint64_t seed = 0;
  VlmMethodArgs method;
  TrainSettings settings;
  std::int64_t checkpoint_every = 100;
  bool resume = false, force = false, json = false, quiet = false;
};

// "0.5,0.75,1" -> numbers; "hope" -> HoPE's set. Throws InputError naming a bad entry.
std::vector<double> parse_gammas(const std::string& text) {
  if (text.empty()) return {};
  if (text == "hope") return std::vector<double>(std::begin(kHopeGammaSet), std::end(kHopeGammaSet));
  std::vector<double> out;
  for (const std::string& item : split(text, ',')) out.push_back(parse_finite_number(item, "--dts"));
  return out;
}

// Every setting that decides the run's numbers, canonical: equal text, equal run.
std::string settings_json(const TrainArgs& a) {
  const TrainSettings& s = a.settings;
  nlohmann::ordered_json j;
  j["model"] = a.model.empty() ? "preset " + a.preset : a.model;
  j["seed"] = a.seed;
  VlmMethodArgs method = a.method;
  visit_fields(method, [&](const params::Field& f, const auto& value) {
    const std::string text = params::value_text(value);
    if (!text.empty()) j[f.name] = text;  // the method's options as a spec writes them
  });
  j["steps"] = s.steps;
  j["batch"] = s.batch;
  j["learning_rate"] = s.schedule.peak;
  j["min_lr_ratio"] = s.schedule.min_ratio;
  j["warmup"] = s.schedule.warmup;
  j["beta1"] = s.adamw.beta1;
  j["beta2"] = s.adamw.beta2;
  j["eps"] = s.adamw.eps;
  j["weight_decay"] = s.adamw.weight_decay;
  j["clip_norm"] = s.clip_norm;
  j["dts_gammas"] = s.dts_gammas;
  j["max_frame_stride"] = s.max_frame_stride;
  j["task"] = {{"min_frames", s.task.min_frames}, {"max_frames", s.task.max_frames},
               {"grid_height", s.task.grid_height}, {"grid_width", s.task.grid_width},
               {"classes", s.task.classes}, {"variant", needle_variant_name(s.task.variant)},
               {"noise_level", s.task.noise_level}};
  j["data"] = a.data;
  return j.dump(2) + "\n";
}

// Weights to start from: a checkpoint, or the preset's random weights under the seed.
Checkpoint initial_checkpoint(const TrainArgs& a) {
  if (a.model.empty() == a.preset.empty()) throw InputError("give exactly one of --model DIR and --preset NAME");
  if (!a.model.empty()) return load_checkpoint(a.model);
  Checkpoint c;
  c.config = vlm_preset(a.preset);
  c.weights = random_weights(c.config, a.seed);
  return c;
}

void print_progress(const StepLog& s, std::int64_t steps, double tokens_per_second, double eta) {
  std::fprintf(stderr, "step %lld/%lld  loss %.4f  acc %.3f  lr %.2e  |g| %.3f  %.0f tok/s  ETA %.0f s\n",
               static_cast<long long>(s.step + 1), static_cast<long long>(steps), s.loss, s.accuracy, s.learning_rate,
               s.grad_norm, tokens_per_second, eta);
}

void run_training(const TrainArgs& a, const CLI::App& cmd) {
  reuse_freed_memory();
  TrainSettings settings = a.settings;
  settings.dts_gammas = parse_gammas(a.dts);
  settings.task.variant = parse_needle_variant(a.variant, "--task-variant");
  settings.schedule.total = settings.steps;
  settings.task.seed = a.seed;
  settings.dts_seed = a.seed;
  if (a.checkpoint_every < 1) {
    throw InputError("--checkpoint-every = " + std::to_string(a.checkpoint_every) + " is below 1");
  }
  Checkpoint start = initial_checkpoint(a);
  const VlmConfig config = start.config;
  if (!a.data.empty()) settings.fixed_prompt = read_input_file(a.data, config);
  VlmModel model(config, std::move(start.weights), build_vlm_rotary(a.method));
  check_train_settings(settings, model);
  TrainArgs resolved = a;
  resolved.settings = settings;
  const std::string settings_text = settings_json(resolved);

  const bool exists = std::filesystem::exists(a.output);
  if (exists && !std::filesystem::is_directory(a.output)) throw InputError("output '" + a.output + "' is not a directory");
  if (exists && !a.resume && !a.force) {
    throw InputError("output '" + a.output + "' exists (use --resume to continue or --force to start over)");
  }
  TrainState state;
  if (a.resume && exists && std::filesystem::exists(std::filesystem::path(a.output) / "state" / "latest")) {
    state = read_checkpoint_state(a.output, model.tensors(), settings_text);
    for (auto& [name, t] : model.weights_for_update()) {  // in place: the model's views point into t.data
      const std::vector<float>& saved = state.weights.at(name).data;
      std::copy(saved.begin(), saved.end(), t.data.begin());  // same shapes (read_checkpoint_state)
    }
  } else {
    if (exists) std::filesystem::remove_all(std::filesystem::path(a.output) / "state");
    state.optimizer = adamw_state(model.tensors());
  }
  results::Provenance provenance = results::current_provenance();
  provenance.seed = a.seed;
  provenance.spec_name = "vlm-train";
  provenance.spec_text = settings_text;
  provenance.units_total = 1;

  using Clock = std::chrono::steady_clock;
  const Clock::time_point begin = Clock::now();
  std::int64_t tokens_here = 0;
  const std::int64_t report_every = std::max<std::int64_t>(1, settings.steps / 20);
  while (state.optimizer.step < settings.steps) {
    const Clock::time_point t0 = Clock::now();
    const StepLog log = train_step(&model, settings, &state.optimizer);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    state.log.steps.push_back(log);
    state.log.seconds.push_back(seconds);
    tokens_here += log.tokens;
    const std::int64_t done = state.optimizer.step;
    if (!a.quiet && (done % report_every == 0 || done == settings.steps)) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
      const double rate = static_cast<double>(tokens_here) / std::max(elapsed, 1e-9);
      const double per_step = elapsed / static_cast<double>(state.log.steps.size());
      print_progress(log, settings.steps, rate, per_step * static_cast<double>(settings.steps - done));
    }
    if (done % a.checkpoint_every == 0 && done < settings.steps) {
      state.weights = model.tensors();
      write_checkpoint_state(a.output, config, state, provenance, settings_text);
    }
  }
  state.weights = model.tensors();
  write_checkpoint_state(a.output, config, state, provenance, settings_text);
  write_final_state(a.output, config, state, provenance);
  const StepLog& last = state.log.steps.back();
  if (a.json) {
    nlohmann::ordered_json j;
    j["output"] = a.output;
    j["steps"] = settings.steps;
    j["final_loss"] = last.loss;
    j["final_accuracy"] = last.accuracy;
    j["method"] = model.method().name;
    std::cout << command_json(cmd, j, provenance).dump(2) << "\n";
  } else {
    std::cout << "wrote " << a.output << ": " << settings.steps << " steps, final loss " << last.loss
              << ", accuracy " << last.accuracy << ", method " << model.method().name << "\n";
  }
}

}  // namespace

void add_vlm_train_command(CLI::App& vlm) {
  auto a = std::make_shared<TrainArgs>();
  TrainSettings& s = a->settings;
  CLI::App* cmd = vlm.add_subcommand("train", "train the model on the needle task (checkpoint, optimiser state, log)");
  cmd->add_option("--model", a->model, "checkpoint directory to start from");
  cmd->add_option("--preset", a->preset, "or a preset's random weights: tiny, needle or base100m");
  cmd->add_option("-o,--output", a->output, "output directory")->required();
  cmd->add_option("--seed", a->seed, "Philox key of the initial weights, the examples and the DTS draws (default 0)")
      ->check(decimal_unsigned());
  add_vlm_method_options(*cmd, a->method);
  cmd->add_option("--dts", a->dts, "DTS: temporal scales drawn per video in training, e.g. 0.5,1,1.5, or 'hope' "
                                   "(0.5,0.75,1,1.25,1.5); diagonal designs only (default: none)");
  cmd->add_option("--frame-stride", s.max_frame_stride,
                  "the control: each training video at the positions of one sampled every s-th frame, "
                  "s uniform in [1, this]")->capture_default_str();
  cmd->add_option("--steps", s.steps, "optimiser steps")->capture_default_str();
  cmd->add_option("--batch", s.batch, "examples per step")->capture_default_str();
  cmd->add_option("--lr", s.schedule.peak, "peak learning rate")->capture_default_str();
  cmd->add_option("--min-lr-ratio", s.schedule.min_ratio, "final rate over the peak (cosine decay)")
      ->capture_default_str();
  cmd->add_option("--warmup", s.schedule.warmup, "steps of linear warm-up")->capture_default_str();
  cmd->add_option("--beta1", s.adamw.beta1, "AdamW beta1")->capture_default_str();
  cmd->add_option("--beta2", s.adamw.beta2, "AdamW beta2")->capture_default_str();
  cmd->add_option("--eps", s.adamw.eps, "AdamW eps")->capture_default_str();
  cmd->add_option("--weight-decay", s.adamw.weight_decay, "decoupled weight decay, every parameter")
      ->capture_default_str();
  cmd->add_option("--clip", s.clip_norm, "global gradient norm limit (<= 0: none)")->capture_default_str();
  cmd->add_option("--min-frames", s.task.min_frames, "fewest frames of a training video")->capture_default_str();
  cmd->add_option("--max-frames", s.task.max_frames, "most frames of a training video")->capture_default_str();
  cmd->add_option("--grid-height", s.task.grid_height, "LLM tokens per frame, vertically")->capture_default_str();
  cmd->add_option("--grid-width", s.task.grid_width, "LLM tokens per frame, horizontally")->capture_default_str();
  cmd->add_option("--classes", s.task.classes, "needle classes (answers are text ids 0 .. K-1)")->capture_default_str();
  cmd->add_option("--task-variant", a->variant, "plain, marked (every frame a class, the needle marked) or order "
                                                "(two marked frames, the earlier one's class)")
      ->capture_default_str();
  cmd->add_option("--noise-level", s.task.noise_level, "marked, order: the noise's standard deviation")
      ->capture_default_str();
  cmd->add_option("--data", a->data, "train on this input.safetensors (its labels) instead of the needle task; "
                                     "each of the batch's examples is a copy");
  cmd->add_option("--checkpoint-every", a->checkpoint_every, "steps between checkpoints under DIR/state")
      ->capture_default_str();
  cmd->add_flag("--resume", a->resume, "continue from DIR's newest checkpoint (same settings)");
  cmd->add_flag("--force", a->force, "start over in an existing output directory");
  cmd->add_flag("--json", a->json, "print the summary as JSON");
  cmd->add_flag("--quiet", a->quiet, "no progress lines");
  cmd->callback([a, cmd] { run_training(*a, *cmd); });
}

}  // namespace hopelab::cli
