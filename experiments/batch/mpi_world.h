#pragma once
// The processes of an MPI job as `hopelab run` sees them (docs/usage.md "Running on a
// cluster"): this process's rank, how many there are, and byte messages between them. A process
// joins a job only when an MPI launcher started it (mpirun / mpiexec / srun --mpi=pmix set
// OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK); otherwise, and in a build without MPI
// (mpi_world_serial.cpp), the world is this one process and nothing calls MPI. Only the thread
// that joined calls MPI (MPI_THREAD_FUNNELED); units compute on other threads.

#include <optional>
#include <string>

namespace hopelab::batch::mpi {

struct Message {
  int source = 0;
  int tag = 0;
  std::string bytes;
};

// Whether this build can join MPI jobs (CMake option HOPELAB_MPI with an MPI library found).
bool built_with_mpi();

class World {
 public:
  // The job, joined on the first call when a launcher started this process; a world of one
  // otherwise. Throws InputError in a build without MPI that a launcher started as one of several
  // processes (each would compute the whole spec into the same files).
  static World& join();

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Sends `bytes` to process `to`; returns once the buffer may be reused (MPI_Send).
  void send(int to, int tag, const std::string& bytes);
  // A message waiting for this process, if any; never blocks.
  std::optional<Message> poll();
  // The next message, polled every millisecond (MPI's blocking receive would spin a core that
  // the units need).
  Message receive();
  // Leaves the job (MPI_Finalize, once; later calls and a world of one do nothing). The world
  // leaves at the latest when the program exits.
  void leave();

  ~World() { leave(); }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

 private:
  World() = default;
  int rank_ = 0;
  int size_ = 1;
  bool joined_ = false;
};

}  // namespace hopelab::batch::mpi
