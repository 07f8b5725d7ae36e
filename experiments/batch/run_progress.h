#pragma once
// Progress of `hopelab run` on stderr. On a terminal one line redrawn every second: a bar of the
// units done, the unit running and how long it has run, and the remaining time estimated from the
// units' costs; otherwise one log line per finished unit. A single unit (a computing command)
// shows its elapsed time on a terminal (execute_unit_showing_time). The estimate (CostModel)
// starts from each unit's cost (kinds::Settings::cost: seconds on docs/perf.md's machine, from
// measured rates) and scales it, per kind, by how long that kind's units took here, so a run
// whose last units are its largest is not estimated by counting units.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "batch/spec.h"
#include "results/run_record.h"

namespace hopelab::batch {

// Seconds a unit will take here: its cost (seconds on the reference machine) times the ratio of
// seconds taken to cost of the units timed so far, of its kind when one was, else of all; before
// any unit was timed, the cost itself.
class CostModel {
 public:
  void record(const std::string& kind, double cost, double seconds);
  double estimate(const std::string& kind, double cost) const;

 private:
  struct Totals {
    double cost = 0.0, seconds = 0.0;
  };
  std::map<std::string, Totals> by_kind_;
  Totals all_;
};

// "[#####.....] 3/10  <unit> 1m12s  ETA 5m30s" in at most `width` columns (the unit's name cut).
std::string progress_line(std::size_t done, std::size_t total, const std::string& unit, double unit_seconds,
                          std::optional<double> remaining_seconds, std::size_t width);

// 4.2s, 3m07s, 2h05m.
std::string duration_text(double seconds);

class RunProgress {
 public:
  struct Unit {
    std::string name, kind;
    double cost = 0.0;  // kinds::Settings::cost
  };
  // `units`: the units this run will go through, in order; `tty`: redraw one line.
  RunProgress(std::vector<Unit> units, bool tty);

  void start(std::size_t k);                        // unit k begins computing
  void tick();                                      // redraws when a second has passed (tty)
  void done(std::size_t k, double seconds, bool from_checkpoint);
  void finish() const;                              // ends the redrawn line

  // Seconds left: the units not done, by the cost model, less what the running one has had.
  double remaining() const;

 private:
  using Clock = std::chrono::steady_clock;
  void draw();

  std::vector<Unit> units_;
  std::vector<bool> finished_;
  std::size_t done_ = 0;
  std::optional<std::size_t> running_;
  Clock::time_point running_since_, last_draw_;
  CostModel costs_;
  bool tty_;
};

// execute_unit(unit); on a terminal (stderr) meanwhile one line, "hopelab: computing <name>
// 12.0s", redrawn every second from the first second on and erased at the end. Exceptions of
// the unit propagate.
results::RunRecord execute_unit_showing_time(const WorkUnit& unit);

}  // namespace hopelab::batch
