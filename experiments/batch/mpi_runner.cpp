#include "batch/mpi_runner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>

#include "batch/execute_unit.h"
#include "batch/mpi_message.h"
#include "batch/mpi_schedule.h"
#include "theory/escape_text.h"
#include "theory/input_error.h"

namespace hopelab::batch::mpi {

namespace {

// Message tags: rank 0 to the others, and back.
enum Tag : int {
  kSpec = 1,     // spec text, spec path
  kTask = 2,     // task number, unit index, piece (0/1), first part, last part
  kQuit = 3,     // (nothing): leave the job and end with status 0
  kHello = 11,   // pid, host
  kRecord = 12,  // task number, record
  kPiece = 13,   // task number, seconds, accumulators
  kFailed = 14,  // task number, 1 for bad input (else internal), message
  kBye = 15,     // (empty)
};

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

void pause_briefly() { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }

// A task's reply (tag and message) computed beside the thread that talks MPI; a detached thread,
// so a process can end while a unit is in progress.
std::future<Message> start_task(const Experiment& ex, std::int64_t task, std::int64_t unit_index, bool piece,
                                std::int64_t first, std::int64_t last) {
  std::packaged_task<Message()> work([&ex, task, unit_index, piece, first, last] {
    MessageWriter out;
    out.integer(task);
    try {
      if (unit_index < 0 || unit_index >= static_cast<std::int64_t>(ex.units.size())) {
        throw std::logic_error("task for unit " + std::to_string(unit_index) + " outside the spec");
      }
      const WorkUnit& unit = ex.units[static_cast<std::size_t>(unit_index)];
      if (!piece) return Message{0, kRecord, out.record(execute_unit(unit)).bytes()};
      const auto start = std::chrono::steady_clock::now();
      std::vector<double> accumulators = execute_parts(unit, first, last);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return Message{0, kPiece, out.number(seconds).numbers(accumulators).bytes()};
    } catch (const InputError& e) {
      return Message{0, kFailed, out.integer(1).text(e.what()).bytes()};
    } catch (const std::bad_alloc&) {
      return Message{0, kFailed, out.integer(1).text("out of memory").bytes()};
    } catch (const std::exception& e) {
      return Message{0, kFailed, out.integer(0).text(e.what()).bytes()};
    }
  });
  std::future<Message> reply = work.get_future();
  std::thread(std::move(work)).detach();
  return reply;
}

bool ready(const std::future<Message>& f) {
  return f.valid() && f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

// ---- the other ranks ----------------------------------------------------------------------

// A rank that mpirun stops waits a moment before it ends, so that rank 0, stopped at the same
// time, still finds it alive and can tell it from the rank whose death stopped the job.
extern "C" void end_after_a_moment(int) {
  const timespec moment{0, 300'000'000};
  nanosleep(&moment, nullptr);
  _exit(143);
}

}  // namespace

[[noreturn]] void serve(World& world) {
  struct sigaction action {};
  action.sa_handler = end_after_a_moment;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  world.send(0, kHello, MessageWriter().integer(getpid()).text(host_name()).bytes());
  Experiment ex;
  std::future<Message> running;
  for (;;) {
    if (ready(running)) {
      const Message reply = running.get();
      world.send(0, reply.tag, reply.bytes);
    }
    std::optional<Message> m = world.poll();
    if (!m) {
      pause_briefly();
      continue;
    }
    MessageReader in(m->bytes);
    if (m->tag == kSpec) {
      const std::string text = in.text(), path = in.text();
      try {
        ex = parse_spec_text(text, path);
      } catch (const std::exception& e) {
        world.send(0, kFailed, MessageWriter().integer(-1).integer(1).text(e.what()).bytes());
      }
    } else if (m->tag == kTask) {
      const std::int64_t task = in.integer(), unit = in.integer(), piece = in.integer();
      const std::int64_t first = in.integer(), last = in.integer();
      running = start_task(ex, task, unit, piece != 0, first, last);
    } else if (m->tag == kQuit) {
      // Status 0 whatever ends the job: the job's status is rank 0's. A rank that ended non-zero
      // first would have mpirun kill rank 0 before it prints its error or stop line.
      world.send(0, kBye, "");
      world.leave();
      std::_Exit(0);
    }
  }
}

void release(World& world) noexcept {
  static bool released = false;
  if (released || world.size() == 1) return;
  released = true;
  try {
    for (int r = 1; r < world.size(); ++r) world.send(r, kQuit, "");
    // Replies still in flight are received and dropped, so no rank waits on a send.
    for (int byes = 1; byes < world.size();) {
      if (world.receive().tag == kBye) ++byes;
    }
    world.leave();
  } catch (...) {
  }
}

// ---- rank 0 ---------------------------------------------------------------------------------

namespace {

struct Rank {
  std::int64_t pid = 0;  // 0 until its hello arrives
  std::string host;
  std::int64_t task = -1;  // the task it computes, -1 when free
};

// A unit cut into pieces: their accumulators by first part, until all have come back.
struct SplitUnit {
  std::map<std::int64_t, std::vector<double>> pieces;
  std::int64_t parts_left = 0;
  double seconds = 0.0;
};

class Coordinator {
 public:
  Coordinator(World& world, const Distribution& d) : world_(world), d_(d), ranks_(static_cast<std::size_t>(world.size())) {}

  // Errors on rank 0 itself (a checkpoint that cannot be written) end the job as a unit's do: its
  // own worker thread may be computing, so the process cannot return through the runner.
  void run() {
    try {
      distribute();
    } catch (const InputError& e) {
      end(2, e.what());
    } catch (const std::bad_alloc&) {
      end(2, "out of memory");
    } catch (const std::exception& e) {
      end(1, e.what());
    }
  }

 private:
  void distribute() {
    const Experiment& ex = *d_.experiment;
    const std::string spec = MessageWriter().text(ex.text).text(ex.path).bytes();
    for (int r = 1; r < world_.size(); ++r) world_.send(r, kSpec, spec);
    std::vector<UnitCost> costs;
    for (const WorkUnit* u : d_.units) costs.push_back({u->settings->cost(), u->settings->parts()});
    tasks_ = schedule_tasks(costs, world_.size());
    std::size_t pieces = 0;
    for (const Task& t : tasks_) {
      if (!t.piece) continue;
      split_[t.unit].parts_left += t.last - t.first;
      ++pieces;
    }
    std::cerr << "hopelab run: " << d_.units.size() << " units on " << world_.size()
              << " processes, largest estimated cost first";
    if (!split_.empty()) std::cerr << "; " << split_.size() << " cut by samples into " << pieces << " pieces";
    std::cerr << "\n";
    ranks_[0].pid = getpid();
    ranks_[0].host = host_name();

    while (done_ < d_.units.size()) {
      if (d_.stop_requested()) stop_on_signal();
      bool busy = false;
      if (ready(local_)) {
        const Message reply = local_.get();
        handle(0, reply.tag, reply.bytes);
        busy = true;
      }
      while (std::optional<Message> m = world_.poll()) {
        handle(m->source, m->tag, m->bytes);
        busy = true;
      }
      if (d_.stop_after >= 0 && computed_ >= d_.stop_after) {
        release(world_);
        std::cout << std::flush;
        std::cerr << d_.stopped_message("--stop-after") << std::flush;
        std::_Exit(130);  // rank 0's own worker thread may still be computing
      }
      for (int r = 0; r < world_.size() && next_ < tasks_.size(); ++r) {
        if (ranks_[static_cast<std::size_t>(r)].task < 0) {
          hand_out(r);
          busy = true;
        }
      }
      if (!busy) pause_briefly();
    }
    release(world_);
  }

  const WorkUnit& unit_of(const Task& t) const { return *d_.units[t.unit]; }

  void hand_out(int r) {
    const std::size_t number = next_++;
    const Task& t = tasks_[number];
    ranks_[static_cast<std::size_t>(r)].task = static_cast<std::int64_t>(number);
    const WorkUnit& unit = unit_of(t);
    if (r == 0) {
      local_ = start_task(*d_.experiment, static_cast<std::int64_t>(number), unit.index, t.piece, t.first, t.last);
      return;
    }
    world_.send(r, kTask, MessageWriter()
                              .integer(static_cast<std::int64_t>(number))
                              .integer(unit.index)
                              .integer(t.piece ? 1 : 0)
                              .integer(t.first)
                              .integer(t.last)
                              .bytes());
  }

  void handle(int source, int tag, const std::string& bytes) {
    MessageReader in(bytes);
    Rank& rank = ranks_[static_cast<std::size_t>(source)];
    if (tag == kHello) {
      rank.pid = in.integer();
      rank.host = in.text();
      return;
    }
    if (tag == kBye) return;
    const std::int64_t number = in.integer();
    if (tag == kFailed) {
      const bool input = in.integer() == 1;
      fail(source, number, input, in.text());
    }
    if (number < 0 || number >= static_cast<std::int64_t>(tasks_.size()) || number != rank.task) {
      throw std::runtime_error("rank " + std::to_string(source) + " answered task " + std::to_string(number) +
                               ", not the one it was given");
    }
    rank.task = -1;
    const Task& t = tasks_[static_cast<std::size_t>(number)];
    const WorkUnit& unit = unit_of(t);
    if (tag == kRecord) {
      results::RunRecord record = in.record();
      if (record.unit_index != unit.index) {
        throw std::runtime_error("rank " + std::to_string(source) + " returned unit " +
                                 std::to_string(record.unit_index) + " for unit " + std::to_string(unit.index));
      }
      finish(unit, std::move(record));
    } else if (tag == kPiece) {
      SplitUnit& s = split_[t.unit];
      s.seconds += in.number();
      s.pieces[t.first] = in.numbers();
      s.parts_left -= t.last - t.first;
      if (s.parts_left == 0) {
        std::vector<double> all;
        for (const auto& piece : s.pieces) all.insert(all.end(), piece.second.begin(), piece.second.end());
        const double seconds = s.seconds;
        split_.erase(t.unit);
        finish(unit, execute_unit_from_parts(unit, all, seconds));
      }
    } else {
      throw std::runtime_error("rank " + std::to_string(source) + " sent a message of unknown tag " + std::to_string(tag));
    }
    in.finish();
  }

  void finish(const WorkUnit& unit, results::RunRecord record) {
    d_.done(unit, std::move(record));
    ++done_;
    ++computed_;
  }

  // A unit's error: the other ranks released, one line as main prints it, the process ended
  // (rank 0's own thread may be computing, so no return through the runner).
  [[noreturn]] void fail(int source, std::int64_t number, bool input, const std::string& message) {
    std::string where = "rank " + std::to_string(source);
    if (number >= 0 && number < static_cast<std::int64_t>(tasks_.size())) {
      const WorkUnit& unit = unit_of(tasks_[static_cast<std::size_t>(number)]);
      where += ", unit " + std::to_string(unit.index) + " " + unit.name;
    }
    end(input ? 2 : 1, where + ": " + message);
  }

  // The other ranks released, one line as main prints it (status 2: bad input, else internal).
  [[noreturn]] void end(int status, const std::string& message) {
    release(world_);
    std::cout << std::flush;
    std::cerr << (status == 2 ? "hopelab: error: " : "hopelab: internal error: ") + escape_control(message) + "\n"
              << std::flush;
    std::_Exit(status);
  }

  // Whether rank r's process is known gone: on this host, and no process of its pid exists.
  bool gone(const Rank& r) const {
    if (r.pid <= 0 || r.host != ranks_[0].host) return false;
    return kill(static_cast<pid_t>(r.pid), 0) != 0 && errno == ESRCH;
  }

  // "unit 3 NAME" for the unit rank r computes, "" when it is free.
  std::string unit_in_progress(std::size_t r) const {
    if (ranks_[r].task < 0) return "";
    const WorkUnit& unit = unit_of(tasks_[static_cast<std::size_t>(ranks_[r].task)]);
    return "unit " + std::to_string(unit.index) + " " + unit.name;
  }

  // "rank 1 died in unit 2 NAME; rank 0 abandoned unit 3 NAME", or "signal; rank 0 abandoned ...".
  [[noreturn]] void stop_on_signal() {
    std::string where;
    for (std::size_t r = 1; r < ranks_.size(); ++r) {
      if (!gone(ranks_[r])) continue;
      const std::string unit = unit_in_progress(r);
      where += (where.empty() ? "" : "; ") + std::string("rank ") + std::to_string(r) + " died" +
               (unit.empty() ? " while free" : " in " + unit);
    }
    if (where.empty()) where = "signal";
    for (std::size_t r = 0; r < ranks_.size(); ++r) {
      const std::string unit = unit_in_progress(r);
      if (!unit.empty() && !gone(ranks_[r])) where += "; rank " + std::to_string(r) + " abandoned " + unit;
    }
    std::cout << std::flush;
    std::cerr << d_.stopped_message(where) << std::flush;
    std::_Exit(130);
  }

  World& world_;
  const Distribution& d_;
  std::vector<Rank> ranks_;
  std::vector<Task> tasks_;
  std::map<std::size_t, SplitUnit> split_;
  std::future<Message> local_;
  std::size_t next_ = 0, done_ = 0;
  std::int64_t computed_ = 0;
};

}  // namespace

void coordinate(World& world, const Distribution& d) { Coordinator(world, d).run(); }

}  // namespace hopelab::batch::mpi
