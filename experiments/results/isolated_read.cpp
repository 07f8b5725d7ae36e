#include "results/isolated_read.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <new>
#include <stdexcept>

#include "theory/input_error.h"

namespace hopelab::results {

namespace {

// The child's exit statuses; anything else (a sanitizer's report, say) is not ours.
constexpr int kReadOk = 0;
constexpr int kReadRefused = 3;    // InputError, message on the pipe
constexpr int kReadNoMemory = 4;   // std::bad_alloc
constexpr int kReadOtherError = 5;  // any other exception, message on the pipe

void write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

[[noreturn]] void run_child(int fd, unsigned seconds, const std::function<void()>& read) {
  // Default actions: a fault ends the child by its signal, whatever handlers the parent installed.
  for (int signal : {SIGALRM, SIGXCPU, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(signal, SIG_DFL);
  const rlimit cpu{seconds, seconds + 1};
  ::setrlimit(RLIMIT_CPU, &cpu);
  ::alarm(60 + 10 * seconds);
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) ::dup2(null, STDERR_FILENO);  // the library's own messages, a C library abort text
  int status = kReadOk;
  try {
    read();
  } catch (const InputError& e) {
    write_all(fd, e.what());
    status = kReadRefused;
  } catch (const std::bad_alloc&) {
    status = kReadNoMemory;
  } catch (const std::exception& e) {
    write_all(fd, e.what());
    status = kReadOtherError;
  } catch (...) {
    status = kReadOtherError;
  }
  ::_exit(status);  // no exit handlers: libhdf5's shutdown would run on the copied state
}

}  // namespace

void read_in_child(const std::string& path, unsigned seconds, const std::function<void()>& read) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("cannot create a pipe to read '" + path + "'");
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("cannot fork to read '" + path + "'");
  }
  if (child == 0) {
    ::close(fds[0]);
    run_child(fds[1], seconds, read);
  }
  ::close(fds[1]);
  std::string message;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    message.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("cannot wait for the reader of '" + path + "'");
  }
  if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGALRM)) {
    throw InputError("cannot read '" + path + "': corrupt HDF5 file (the reader did not finish in " +
                     (WTERMSIG(status) == SIGXCPU ? std::to_string(seconds) + " s of CPU time)"
                                                  : std::to_string(60 + 10 * seconds) + " s)"));
  }
  if (WIFSIGNALED(status)) {
    throw InputError("cannot read '" + path + "': corrupt HDF5 file (the reader stopped on signal " +
                     std::to_string(WTERMSIG(status)) + ")");
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kReadOk) return;
  if (code == kReadRefused) throw InputError(message);
  if (code == kReadNoMemory) throw InputError("cannot read '" + path + "': out of memory");
  throw std::runtime_error("the reader of '" + path + "' failed (exit status " + std::to_string(code) + ")" +
                           (message.empty() ? "" : ": " + message));
}

unsigned read_time_limit(std::uintmax_t bytes) {
  return static_cast<unsigned>(std::min<std::uintmax_t>(1 + (bytes >> 20), 1u << 20));
}

}  // namespace hopelab::results
