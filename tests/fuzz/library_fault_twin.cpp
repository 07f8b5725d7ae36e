// The twin of library_fault.h: a fault that the program's own code makes through an interceptor
// (memcpy with size -1) in a forked child must stay an ASan report (the child exits with ASan's
// status 1), not become the SIGSEGV that stands for a libhdf5 fault. The libhdf5 side is the
// corpus input corpus_results/refused_libhdf5_negative_memcpy, refused by the results targets.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "library_fault.h"

int main(int argc, char**) {
  hopelab::fuzz::watch_children_for_library_faults();
  const pid_t child = fork();
  if (child == 0) {
    char to[4], from[4] = {};
    volatile long size = -argc;  // -1, unknown to the compiler
    std::memcpy(to, from, static_cast<std::size_t>(size));
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  const bool report_stood = WIFEXITED(status) && WEXITSTATUS(status) == 1;
  std::printf("child: %s %d (want exit 1)\n", WIFSIGNALED(status) ? "signal" : "exit",
              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
  return report_stood ? 0 : 1;
}
