// World over MPI (built when CMake finds an MPI library and HOPELAB_MPI is on).
#include "batch/mpi_world.h"

#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "batch/mpi_launcher.h"

namespace hopelab::batch::mpi {

namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(what) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

}  // namespace

bool built_with_mpi() { return true; }

World& World::join() {
  static World world;
  static bool started = false;
  if (started) return world;
  started = true;
  if (launcher_processes() == 0) return world;
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  world.joined_ = true;
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &world.rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &world.size_), "MPI_Comm_size");
  return world;
}

void World::send(int to, int tag, const std::string& bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::runtime_error("a message of " + std::to_string(bytes.size()) + " bytes is beyond MPI's 2 GiB count");
  }
  check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD), "MPI_Send");
}

std::optional<Message> World::poll() {
  if (!joined_) return std::nullopt;
  int waiting = 0;
  MPI_Message handle;
  MPI_Status status;
  check(MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &handle, &status), "MPI_Improbe");
  if (!waiting) return std::nullopt;
  int count = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  Message m{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(count), '\0')};
  check(MPI_Mrecv(m.bytes.data(), count, MPI_BYTE, &handle, MPI_STATUS_IGNORE), "MPI_Mrecv");
  return m;
}

Message World::receive() {
  if (!joined_) throw std::logic_error("a world of one process receives no messages");
  for (;;) {
    if (std::optional<Message> m = poll()) return std::move(*m);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void World::leave() {
  if (!joined_) return;
  joined_ = false;
  MPI_Finalize();
}

}  // namespace hopelab::batch::mpi
