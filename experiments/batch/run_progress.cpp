#include "batch/run_progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <future>
#include <iostream>

#include "batch/execute_unit.h"
#include "theory/escape_text.h"

namespace hopelab::batch {

namespace {

// Columns of the terminal on stderr, 100 when unknown.
std::size_t terminal_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 100;
}

}  // namespace

// ---- the cost model ------------------------------------------------------------------------------

void CostModel::record(const std::string& kind, double cost, double seconds) {
  for (Totals* t : {&by_kind_[kind], &all_}) {
    t->cost += cost;
    t->seconds += seconds;
  }
}

double CostModel::estimate(const std::string& kind, double cost) const {
  const auto it = by_kind_.find(kind);
  const Totals& t = it != by_kind_.end() && it->second.cost > 0 ? it->second : all_;
  return t.cost > 0 ? cost * t.seconds / t.cost : cost;
}

// ---- the line ------------------------------------------------------------------------------------

std::string duration_text(double s) {
  char buffer[32];
  if (s < 60) std::snprintf(buffer, sizeof buffer, "%.1fs", s);
  else if (s < 3600) std::snprintf(buffer, sizeof buffer, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  else std::snprintf(buffer, sizeof buffer, "%dh%02dm", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
  return buffer;
}

std::string progress_line(std::size_t done, std::size_t total, const std::string& unit, double unit_seconds,
                          std::optional<double> remaining_seconds, std::size_t width) {
  const std::size_t bar = 20, filled = total ? std::min(bar, done * bar / total) : bar;
  const std::string head = "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "] " +
                           std::to_string(done) + "/" + std::to_string(total) + "  ";
  const std::string tail = unit.empty() ? "" : " " + duration_text(unit_seconds);
  const std::string eta = "  ETA " + (remaining_seconds ? duration_text(*remaining_seconds) : std::string("?"));
  const std::size_t fixed = head.size() + tail.size() + eta.size();
  std::string name = escape_control(unit);
  if (fixed >= width) name.clear();
  else if (name.size() > width - fixed) name = name.substr(0, width - fixed > 3 ? width - fixed - 3 : 0) + "...";
  std::string line = head + name + tail + eta;
  if (line.size() > width) line.resize(width);
  return line;
}

// ---- the progress of a run -----------------------------------------------------------------------

RunProgress::RunProgress(std::vector<Unit> units, bool tty)
    : units_(std::move(units)), finished_(units_.size(), false), tty_(tty) {}

double RunProgress::remaining() const {
  double total = 0.0;
  for (std::size_t k = 0; k < units_.size(); ++k) {
    if (finished_[k]) continue;
    double left = costs_.estimate(units_[k].kind, units_[k].cost);
    if (running_ && *running_ == k) {
      left = std::max(0.0, left - std::chrono::duration<double>(Clock::now() - running_since_).count());
    }
    total += left;
  }
  return total;
}

void RunProgress::start(std::size_t k) {
  running_ = k;
  running_since_ = Clock::now();
  if (tty_) draw();
}

void RunProgress::tick() {
  if (tty_ && Clock::now() - last_draw_ >= std::chrono::seconds(1)) draw();
}

void RunProgress::done(std::size_t k, double seconds, bool from_checkpoint) {
  finished_[k] = true;
  ++done_;
  running_.reset();
  if (!from_checkpoint) costs_.record(units_[k].kind, units_[k].cost, seconds);
  if (tty_) {
    draw();
    return;
  }
  std::cerr << "hopelab run: [" << done_ << "/" << units_.size() << "] " << escape_control(units_[k].name)
            << (from_checkpoint ? " (checkpoint)" : " " + duration_text(seconds))
            << (done_ < units_.size() ? ", about " + duration_text(remaining()) + " left" : "") << "\n";
}

void RunProgress::finish() const {
  if (tty_) std::cerr << "\n";
}

void RunProgress::draw() {
  last_draw_ = Clock::now();
  const std::string unit = running_ ? units_[*running_].name : "";
  const double seconds = running_ ? std::chrono::duration<double>(last_draw_ - running_since_).count() : 0.0;
  std::cerr << "\r\033[K" << progress_line(done_, units_.size(), unit, seconds, remaining(), terminal_columns() - 1)
            << std::flush;
}

// ---- one unit ------------------------------------------------------------------------------------

results::RunRecord execute_unit_showing_time(const WorkUnit& unit) {
  if (isatty(STDERR_FILENO) != 1) return execute_unit(unit);
  using Clock = std::chrono::steady_clock;
  std::future<results::RunRecord> result = std::async(std::launch::async, [&unit] { return execute_unit(unit); });
  const auto start = Clock::now();
  bool shown = false;
  while (result.wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::string line = "hopelab: computing " + escape_control(unit.name) + " " + duration_text(seconds);
    if (line.size() > terminal_columns() - 1) line.resize(terminal_columns() - 1);
    std::cerr << "\r\033[K" << line << std::flush;
    shown = true;
  }
  if (shown) std::cerr << "\r\033[K" << std::flush;
  return result.get();
}

}  // namespace hopelab::batch
