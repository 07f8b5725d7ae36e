#pragma once
// The files of a training run (docs/vlm.md "Training"), in its output directory DIR:
//   DIR/config.json, DIR/model.safetensors   the final checkpoint (Hugging Face's layout)
//   DIR/optimizer.safetensors                AdamW's state (vlm/optimizer_file.h)
//   DIR/train_log.h5                         the log, a results file (one record, /runs/train)
//   DIR/state/step-NNNNNNNNNN/               the same four at a checkpoint step, plus
//                                            settings.json; DIR/state/latest names the newest
// A checkpoint directory is filled under a temporary name and renamed whole, then `latest` is
// replaced (temporary + rename): a kill at any moment leaves the previous checkpoint readable.

#include <cstdint>
#include <string>
#include <vector>

#include "results/results_file.h"
#include "sim/train/adamw.h"
#include "sim/train/trainer.h"
#include "sim/vlm/tensor.h"
#include "sim/vlm/vlm_config.h"

namespace hopelab::cli {

// The log's rows, one per step taken.
struct TrainLog {
  std::vector<StepLog> steps;
  std::vector<double> seconds;  // wall time of each step
};

// Everything a checkpoint holds.
struct TrainState {
  TensorMap weights;
  AdamWState optimizer;
  TrainLog log;
};

// Writes DIR/state/step-<optimizer.step>/ and points DIR/state/latest at it; removes older ones.
void write_checkpoint_state(const std::string& directory, const VlmConfig& config, const TrainState& state,
                            const results::Provenance& provenance, const std::string& settings_json);

// The newest checkpoint of DIR. Throws InputError when there is none, when its settings.json
// differs from settings_json (naming the first differing line), when its tensors' names or
// shapes differ from `expected` (the run's model), or when a file is bad.
TrainState read_checkpoint_state(const std::string& directory, const TensorMap& expected,
                                 const std::string& settings_json);

// Writes the final files at the top of DIR.
void write_final_state(const std::string& directory, const VlmConfig& config, const TrainState& state,
                       const results::Provenance& provenance);

// The log as a results record: settings as attributes, one dataset per column.
results::RunRecord log_record(const TrainLog& log, const std::string& settings_json);

}  // namespace hopelab::cli
