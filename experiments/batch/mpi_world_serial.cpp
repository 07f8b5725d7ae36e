// World in a build without MPI: always this one process.
#include <stdexcept>

#include "batch/mpi_launcher.h"
#include "batch/mpi_world.h"
#include "theory/input_error.h"

namespace hopelab::batch::mpi {

bool built_with_mpi() { return false; }

World& World::join() {
  static World world;
  const int processes = launcher_processes();
  if (processes > 1) {
    throw InputError("started as one of " + std::to_string(processes) +
                     " MPI processes, but this hopelab was built without MPI (each process would compute the "
                     "whole spec into the same files): rebuild with an MPI library (docs/usage.md, \"Running on a "
                     "cluster\") or start one process");
  }
  return world;
}

void World::send(int, int, const std::string&) { throw std::logic_error("a world of one process sends nothing"); }

std::optional<Message> World::poll() { return std::nullopt; }

Message World::receive() { throw std::logic_error("a world of one process receives no messages"); }

void World::leave() {}

}  // namespace hopelab::batch::mpi
