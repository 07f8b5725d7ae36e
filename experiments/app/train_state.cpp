#include "train_state.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "output/output_file.h"
#include "results/record_checksum.h"
#include "theory/input_error.h"
#include "vlm/checkpoint.h"
#include "vlm/optimizer_file.h"

namespace hopelab::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLogName = "train_log.h5";
constexpr const char* kOptimizerName = "optimizer.safetensors";
constexpr const char* kSettingsName = "settings.json";
// "<checksum>  <file>" per line (results/record_checksum.h) for every file of a checkpoint.
constexpr const char* kChecksumsName = "checksums";
constexpr const char* kCheckedFiles[] = {"config.json", "model.safetensors", kOptimizerName, kLogName, kSettingsName};

std::string step_name(std::int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%010lld", static_cast<long long>(step));
  return name;
}

// A whole small text file, through a temporary renamed into place (output/output_file.h).
void write_text(const fs::path& path, const std::string& text) {
  output::write_file_atomically(path.string(), text, true, "file");
}

std::string read_text(const fs::path& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path.string());
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > limit) throw InputError(path.string() + " is larger than " + std::to_string(limit) + " bytes");
  return text;
}

// The files of one state into `dir` (created).
void write_files(const fs::path& dir, const VlmConfig& config, const TrainState& state,
                 const results::Provenance& provenance, const std::string& settings_json) {
  save_checkpoint(dir.string(), config, state.weights, Dtype::f32);
  write_optimizer_file((dir / kOptimizerName).string(), state.optimizer);
  results::write_results_file((dir / kLogName).string(), provenance, {log_record(state.log, settings_json)}, true);
}

// The checksums of a checkpoint's files, written beside them.
std::string checksums_text(const fs::path& dir) {
  std::string text;
  for (const char* name : kCheckedFiles) text += results::file_checksum((dir / name).string()) + "  " + name + "\n";
  return text;
}

// Refuses a checkpoint whose files do not match the checksums written with them (a flipped bit,
// an edit, a file removed or replaced).
void verify_checksums(const fs::path& dir) {
  if (!fs::exists(dir / kChecksumsName)) {
    throw InputError(dir.string() + ": the checkpoint has no checksums file; it cannot be trusted (start over with --force)");
  }
  const std::string stored = read_text(dir / kChecksumsName, 4096);
  for (const char* name : kCheckedFiles) {
    const std::string line = (fs::exists(dir / name) ? results::file_checksum((dir / name).string()) : "missing") +
                             "  " + name + "\n";
    if (stored.find(line) == std::string::npos) {
      throw InputError(dir.string() + ": the checkpoint's " + name +
                       " does not match its checksum (corrupt or edited); start over with --force");
    }
  }
}

// The first line where two texts differ, for the refusal message.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string la, lb;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(x, la)), more_b = static_cast<bool>(std::getline(y, lb));
    if (!more_a && !more_b) return "";
    if (!more_a || !more_b || la != lb) return "checkpoint has '" + la + "', this run '" + lb + "'";
  }
}

}  // namespace

results::RunRecord log_record(const TrainLog& log, const std::string& settings_json) {
  results::RunRecord r;
  r.group = "/runs/train";
  r.attributes.push_back({"settings", settings_json});
  const auto column = [&](const char* name, const char* unit, const char* description, auto value) {
    results::Dataset d;
    d.name = name;
    d.unit = unit;
    d.description = description;
    d.shape = {static_cast<std::int64_t>(log.steps.size())};
    for (std::size_t i = 0; i < log.steps.size(); ++i) value(i, &d);
    r.datasets.push_back(std::move(d));
  };
  column("step", "1", "optimiser step, 0-based", [&](std::size_t i, results::Dataset* d) {
    d->integers.push_back(log.steps[i].step);
  });
  column("loss", "nat", "mean cross-entropy of the step's batch, before its update",
         [&](std::size_t i, results::Dataset* d) { d->numbers.push_back(log.steps[i].loss); });
  column("accuracy", "1", "argmax hits over the batch's counted labels",
         [&](std::size_t i, results::Dataset* d) { d->numbers.push_back(log.steps[i].accuracy); });
  column("learning_rate", "1", "AdamW's rate at the step",
         [&](std::size_t i, results::Dataset* d) { d->numbers.push_back(log.steps[i].learning_rate); });
  column("grad_norm", "1", "global L2 norm of the gradient before clipping",
         [&](std::size_t i, results::Dataset* d) { d->numbers.push_back(log.steps[i].grad_norm); });
  column("tokens", "1", "LLM tokens of the step's batch",
         [&](std::size_t i, results::Dataset* d) { d->integers.push_back(log.steps[i].tokens); });
  column("seconds", "s", "wall time of the step",
         [&](std::size_t i, results::Dataset* d) { d->numbers.push_back(log.seconds[i]); });
  return r;
}

void write_checkpoint_state(const std::string& directory, const VlmConfig& config, const TrainState& state,
                            const results::Provenance& provenance, const std::string& settings_json) {
  const fs::path states = fs::path(directory) / "state";
  fs::create_directories(states);
  const std::string name = step_name(state.optimizer.step);
  const fs::path temporary = states / (name + ".tmp-" + std::to_string(getpid()));
  fs::remove_all(temporary);
  fs::create_directories(temporary);
  write_files(temporary, config, state, provenance, settings_json);
  write_text(temporary / kSettingsName, settings_json);
  write_text(temporary / kChecksumsName, checksums_text(temporary));
  fs::remove_all(states / name);
  fs::rename(temporary, states / name);
  write_text(states / "latest", name + "\n");
  for (const fs::directory_entry& entry : fs::directory_iterator(states)) {  // older states and stale temporaries
    const std::string other = entry.path().filename().string();
    if (entry.is_directory() && other != name && other.rfind("step-", 0) == 0) fs::remove_all(entry.path());
  }
}

TrainState read_checkpoint_state(const std::string& directory, const TensorMap& expected,
                                 const std::string& settings_json) {
  const fs::path states = fs::path(directory) / "state";
  if (!fs::exists(states / "latest")) throw InputError(directory + ": no checkpoint to resume from (state/latest)");
  std::string name = read_text(states / "latest", 64);
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  if (name.rfind("step-", 0) != 0 || name.find('/') != std::string::npos || name.size() != 15) {
    throw InputError(directory + ": state/latest does not name a checkpoint");
  }
  const fs::path dir = states / name;
  verify_checksums(dir);
  const std::string stored = read_text(dir / kSettingsName, 1 << 20);
  if (stored != settings_json) {
    throw InputError(directory + ": the checkpoint was made with other settings (" +
                     first_difference(stored, settings_json) + ")");
  }
  TrainState state;
  Checkpoint checkpoint = load_checkpoint(dir.string());
  if (checkpoint.weights.size() != expected.size()) {
    throw InputError(dir.string() + ": the checkpoint's model differs from this run's");
  }
  for (const auto& [tensor, t] : expected) {  // the same tensors, so the run's views stay valid
    const auto it = checkpoint.weights.find(tensor);
    if (it == checkpoint.weights.end() || it->second.shape != t.shape) {
      throw InputError(dir.string() + ": the checkpoint's tensor '" + tensor + "' differs from this run's model");
    }
  }
  state.weights = std::move(checkpoint.weights);
  state.optimizer = read_optimizer_file((dir / kOptimizerName).string(), state.weights);
  const results::ResultsFile log = results::read_results_file((dir / kLogName).string());
  if (log.records.size() != 1) throw InputError(dir.string() + ": " + kLogName + " holds no training record");
  const results::RunRecord& r = log.records.front();
  const std::vector<double> steps = results::dataset_numbers(r, "step"), loss = results::dataset_numbers(r, "loss"),
                            accuracy = results::dataset_numbers(r, "accuracy"),
                            rate = results::dataset_numbers(r, "learning_rate"),
                            norm = results::dataset_numbers(r, "grad_norm"),
                            tokens = results::dataset_numbers(r, "tokens"),
                            seconds = results::dataset_numbers(r, "seconds");
  const std::size_t n = steps.size();
  if (n != static_cast<std::size_t>(state.optimizer.step) || loss.size() != n || accuracy.size() != n ||
      rate.size() != n || norm.size() != n || tokens.size() != n || seconds.size() != n) {
    throw InputError(dir.string() + ": the log's columns do not hold one row per step taken (" +
                     std::to_string(state.optimizer.step) + ")");
  }
  for (std::size_t i = 0; i < n; ++i) {
    StepLog s;
    s.step = static_cast<std::int64_t>(steps[i]);
    s.loss = loss[i];
    s.accuracy = accuracy[i];
    s.learning_rate = rate[i];
    s.grad_norm = norm[i];
    s.tokens = static_cast<std::int64_t>(tokens[i]);
    state.log.steps.push_back(s);
    state.log.seconds.push_back(seconds[i]);
  }
  return state;
}

void write_final_state(const std::string& directory, const VlmConfig& config, const TrainState& state,
                       const results::Provenance& provenance) {
  write_files(directory, config, state, provenance, provenance.spec_text);
}

}  // namespace hopelab::cli
