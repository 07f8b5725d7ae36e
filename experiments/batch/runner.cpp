#include "batch/runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <vector>

#include "batch/claims.h"
#include "batch/claims_table.h"
#include "batch/execute_unit.h"
#include "batch/mpi_runner.h"
#include "batch/run_progress.h"
#include "batch/spec.h"
#include "kinds/record_check.h"
#include "kinds/record_form.h"
#include "output/output_file.h"
#include "results/record_checksum.h"
#include "results/results_file.h"
#include "sim/backend_registry.h"
#include "theory/escape_text.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"

namespace hopelab::batch {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---- stop requests ----------------------------------------------------------------------

std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int signal) { g_stop_signal.store(signal); }

// Installs the SIGINT / SIGTERM handler for its lifetime, restoring the previous ones after.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal.store(0);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

// ---- shards and paths -----------------------------------------------------------------------

struct Shard {
  std::int64_t index = 0, count = 1;
  std::string text = "all";
};

Shard parse_shard(const std::string& text) {
  if (text.empty()) return {};
  const std::vector<std::string> parts = split(text, '/');
  if (parts.size() != 2) throw InputError("--shard must be i/n, got '" + text + "'");
  Shard s{parse_nonnegative_integer(parts[0], "--shard i"), parse_nonnegative_integer(parts[1], "--shard n"), text};
  if (s.count < 1 || s.index >= s.count) throw InputError("--shard i/n needs 0 <= i < n, got '" + text + "'");
  s.text = std::to_string(s.index) + "/" + std::to_string(s.count);
  return s;
}

std::string default_output(const std::string& name, const Shard& shard) {
  if (shard.count == 1 && shard.text == "all") return "data/results/" + name + ".h5";
  return "data/results/" + name + ".shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".h5";
}

std::string resume_command(const RunOptions& o, const std::string& output, const Shard& shard, int ranks) {
  std::string command = (ranks > 1 ? "mpirun -n " + std::to_string(ranks) + " " : std::string()) + "hopelab run " +
                        o.spec_path + " -o " + output + " --resume";
  if (shard.text != "all") command += " --shard " + shard.text;
  return command;
}

[[noreturn]] void stop_now(const std::string& message) {
  std::cerr << message << std::flush;
  std::cout << std::flush;
  std::_Exit(130);
}

// A checkpoint's record with the checksum of its content beside it (results/record_checksum.h).
results::RunRecord with_checksum(const results::RunRecord& record) {
  results::RunRecord out = record;
  out.attributes.push_back({results::kChecksumAttribute, results::record_checksum(record)});
  return out;
}

// Why `record` cannot stand for `unit`, or "" when it can: a missing or wrong checksum, another
// unit, a dataset missing or not of its kind. Strips the checksum attribute, and brings the record
// of a checkpoint of an older format (1.0, 1.1) to this format's form (kinds/record_form.h).
std::string checkpoint_problem(results::RunRecord& record, const WorkUnit& unit,
                               const std::vector<std::int64_t>& format_version) {
  auto& attributes = record.attributes;
  if (attributes.empty() || attributes.back().name != results::kChecksumAttribute) return "has no checksum";
  const auto* stored = std::get_if<std::string>(&attributes.back().value);
  const std::string sum = stored ? *stored : "";
  attributes.pop_back();
  if (sum != results::record_checksum(record)) return "does not match its checksum (corrupt or edited)";
  if (record.group != unit.group || record.unit_index != unit.index) return "holds another unit";
  try {
    kinds::check_record_datasets(record, "", results::legacy_form(format_version));
    if (results::older_form(format_version)) record = kinds::current_form(record);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The unit's checkpoint when it exists, was written for this spec and holds this unit intact;
// an unreadable, corrupt or edited one is computed again, with one line saying so. A checkpoint
// of another spec is an error.
std::optional<results::RunRecord> read_checkpoint(const std::string& path, const Experiment& ex, const WorkUnit& unit) {
  if (!fs::exists(path)) return std::nullopt;
  const auto recompute = [&](const std::string& why) {
    std::cerr << "hopelab run: recomputing unit " << unit.index << ": " << escape_control(why) << "\n";
    return std::nullopt;
  };
  results::ResultsFile file;
  try {
    file = results::read_results_file(path);
  } catch (const InputError& e) {
    return recompute(std::string("unreadable checkpoint (") + e.what() + ")");
  }
  if (file.provenance.spec_text != ex.text) {
    throw InputError(path + ": checkpoint of a different spec text than " + ex.path +
                     "; rerun with --force to start over");
  }
  if (file.records.size() != 1) return recompute("checkpoint " + path + " holds " + std::to_string(file.records.size()) + " records, not 1");
  const std::string problem = checkpoint_problem(file.records[0], unit, file.format_version);
  if (!problem.empty()) return recompute("checkpoint " + path + " " + problem);
  return file.records[0];
}

// Whether `output` is this run's finished file: the spec text, shard and units this run would
// write (a kill after the rename into place, before the work directory was removed).
bool output_complete(const std::string& output, const Experiment& ex, const Shard& shard,
                     const std::vector<const WorkUnit*>& units) {
  results::ResultsFile file;
  try {
    file = results::read_results_file(output);
  } catch (const InputError&) {
    return false;
  }
  if (file.provenance.spec_text != ex.text || file.provenance.shard != shard.text ||
      file.records.size() != units.size()) {
    return false;
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (file.records[i].unit_index != units[i]->index || file.records[i].group != units[i]->group) return false;
  }
  return true;
}

}  // namespace

int run_experiment(const RunOptions& o, RunSummary* summary) {
  // Under an MPI launcher, ranks other than 0 only compute what rank 0 hands out (batch/mpi_runner.h).
  mpi::World& world = mpi::World::join();
  if (world.rank() != 0) mpi::serve(world);
  const mpi::ReleaseOnExit release(world);
  const Experiment ex = parse_spec(o.spec_path, o.samples_factor);
  const Shard shard = parse_shard(o.shard);
  // --backend, else the spec's [experiment] backend (checked when the spec was read).
  const BackendChoice backend = o.backend.empty() ? parse_backend_choice(ex.fields.backend, "experiment.backend")
                                                  : parse_backend_choice(o.backend, "--backend");
  std::vector<const WorkUnit*> units;
  for (const WorkUnit& u : ex.units) {
    if (u.index % shard.count == shard.index) units.push_back(&u);
  }
  if (o.dry_run && summary != nullptr) {
    summary->spec_name = ex.fields.name;
    summary->shard = shard.text;
    summary->units = units.size();
    summary->units_total = static_cast<std::int64_t>(ex.units.size());
    for (const WorkUnit* u : units) summary->planned.push_back(u->name);
    for (const Claim& c : ex.claims) {
      const ClaimFields& f = c.fields;
      summary->claims.push_back(
          ClaimResult{f.id, f.source, f.statement, f.rule, "", f.assumption, "", "-", "n/a", {}, "not computed (dry run)"});
    }
    return 0;
  }
  if (o.dry_run) {
    std::cout << ex.fields.name << ": " << ex.units.size() << " units" << (shard.text == "all" ? "" : ", shard " + shard.text + ": " + std::to_string(units.size())) << "\n";
    for (const WorkUnit* u : units) {
      std::cout << u->index << "  " << u->name << "  " << u->group << "\n   ";
      for (const std::string& s : unit_settings(*u)) std::cout << " " << s;
      std::cout << "\n";
    }
    for (const Claim& c : ex.claims) {
      std::cout << "claim " << c.fields.id << ": " << c.fields.rule << " on " << c.fields.runs.size() << " run(s) ("
                << c.fields.source << ")\n";
    }
    return 0;
  }
  use_backend(backend);  // before anything is written: cuda without a device refuses the run here

  const std::string output = o.output.empty() ? default_output(ex.fields.name, shard) : o.output;
  const std::string work = output + ".partial";
  output::check_destination(output, true, "results file");  // a device, FIFO or directory is never replaced
  output::remove_stale_temporaries(output);
  if (o.resume && !o.force && fs::is_directory(work) && fs::exists(output) &&
      output_complete(output, ex, shard, units)) {
    std::error_code removed;
    fs::remove_all(work, removed);
    if (summary != nullptr) {
      summary->spec_name = ex.fields.name;
      summary->output = output;
      summary->shard = shard.text;
      summary->units = units.size();
      summary->units_total = static_cast<std::int64_t>(ex.units.size());
      summary->already_complete = true;
      return 0;
    }
    std::cout << ex.fields.name << ": " << output << " is already complete (" << units.size()
              << " units of this spec); removed the work directory " << work << "\n";
    return 0;
  }
  if (fs::exists(output) && !o.force) throw InputError(output + ": exists; pass --force to overwrite it");
  if (fs::exists(work) && !o.resume) {
    if (!o.force) {
      throw InputError(work + ": work directory of an interrupted run exists; pass --resume to continue it or "
                       "--force to start over");
    }
    fs::remove_all(work);
  }
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) throw InputError(work + ": cannot create the work directory (" + ec.message() + ")");
  output::remove_stale_temporaries_in(work);  // checkpoints a kill -9 left half written

  results::Provenance provenance = results::current_provenance();
  provenance.seed = static_cast<std::uint64_t>(ex.fields.seed);
  provenance.spec_name = ex.fields.name;
  provenance.spec_text = ex.text;
  provenance.units_total = static_cast<std::int64_t>(ex.units.size());
  provenance.shard = shard.text;
  provenance.ranks = world.size();

  StopSignals signals;
  const auto start = Clock::now();
  std::vector<results::RunRecord> records;
  std::vector<RunProgress::Unit> planned;
  for (const WorkUnit* u : units) planned.push_back({u->name, u->kind, u->settings->cost()});
  RunProgress progress(std::move(planned), isatty(STDERR_FILENO) == 1);
  std::size_t resumed = 0, computed = 0;
  const auto stopped_message = [&](const std::string& where) {
    return std::string("hopelab run: stopped (") + where + "): " + std::to_string(records.size()) + " of " +
           std::to_string(units.size()) + " units done, checkpoints in " + work + "\n  resume with: " +
           resume_command(o, output, shard, world.size()) + "\n";
  };
  std::map<std::int64_t, std::size_t> position;  // unit index -> its place in `units` (progress)
  for (std::size_t k = 0; k < units.size(); ++k) position[units[k]->index] = k;
  // A computed unit: its checkpoint, its record, progress.
  const auto unit_computed = [&](const WorkUnit& unit, results::RunRecord record) {
    double seconds = 0.0;
    for (const results::Attribute& a : record.attributes) {
      if (a.name == "seconds") seconds = std::get<double>(a.value);
    }
    results::write_results_file(work + "/unit-" + std::to_string(unit.index) + ".h5", provenance,
                                {with_checksum(record)}, true);
    records.push_back(std::move(record));
    ++computed;
    progress.done(position.at(unit.index), seconds, false);
  };
  std::vector<const WorkUnit*> distributed;  // with several processes: the units no checkpoint holds
  for (std::size_t k = 0; k < units.size(); ++k) {
    const WorkUnit* unit = units[k];
    const std::string checkpoint = work + "/unit-" + std::to_string(unit->index) + ".h5";
    if (o.resume) {
      if (std::optional<results::RunRecord> done = read_checkpoint(checkpoint, ex, *unit)) {
        records.push_back(std::move(*done));
        ++resumed;
        progress.done(k, 0.0, true);
        continue;
      }
    }
    if (world.size() > 1) {
      distributed.push_back(unit);
      continue;
    }
    if (g_stop_signal.load() != 0 || (o.stop_after >= 0 && static_cast<std::int64_t>(computed) >= o.stop_after)) {
      progress.finish();
      std::cerr << stopped_message(g_stop_signal.load() ? "signal" : "--stop-after");
      return 130;
    }
    // The unit runs beside this thread, which watches for a stop request: a signal abandons the
    // unit in progress at once (its checkpoint is never started, so nothing is half written).
    progress.start(k);
    std::future<results::RunRecord> result = std::async(std::launch::async, [unit] { return execute_unit(*unit); });
    while (result.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      progress.tick();
      if (g_stop_signal.load() != 0) {
        progress.finish();
        stop_now(stopped_message("signal, unit " + std::to_string(unit->index) + " " + unit->name + " abandoned"));
      }
    }
    unit_computed(*unit, result.get());
  }
  if (!distributed.empty()) {
    mpi::coordinate(world, {&ex, distributed, o.stop_after, unit_computed, [] { return g_stop_signal.load() != 0; },
                            stopped_message});
    std::sort(records.begin(), records.end(),
              [](const results::RunRecord& a, const results::RunRecord& b) { return a.unit_index < b.unit_index; });
  }
  progress.finish();

  provenance.created_utc = results::current_provenance().created_utc;
  const std::vector<ClaimResult> claims = evaluate_claims(ex, records);
  std::vector<results::RunRecord> written = records;
  if (!claims.empty()) written.push_back(claims_record(claims, provenance.units_total));
  results::write_results_file(output, provenance, written, o.force);
  fs::remove_all(work, ec);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (summary != nullptr) {
    *summary = RunSummary{ex.fields.name, output, shard.text, records.size(), computed, resumed,
                          provenance.units_total, elapsed, false, {}, claims, provenance};
    return 0;
  }
  std::cout << ex.fields.name << ": " << records.size() << " units" << (shard.text == "all" ? "" : " (shard " + shard.text + " of " + std::to_string(ex.units.size()) + ")")
            << ", " << computed << " computed, " << resumed << " from checkpoints, in " << duration_text(elapsed)
            << (world.size() > 1 ? " on " + std::to_string(world.size()) + " processes" : "")
            << " -> " << output << "\n";
  if (!claims.empty()) {
    std::cout << "\nclaims (" << ex.path << "):\n";
    print_claims_table(claims, std::cout);
  }
  return 0;
}

}  // namespace hopelab::batch
