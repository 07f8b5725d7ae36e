#pragma once
// Reading an untrusted file in a forked child first: libhdf5 1.10 can crash (SIGSEGV inside the
// global heap or the metadata cache, heap corruption) on a corrupt file, where no check made from
// outside the library prevents it. A crash in the child becomes one InputError naming the file;
// the caller then reads the file in its own process, knowing the read completes. Host only (POSIX).

#include <cstdint>
#include <functional>
#include <string>

namespace hopelab::results {

// Runs `read` in a forked child (stderr silenced, no exit handlers), stopped after `seconds` of CPU
// time (a corrupt file can also send libhdf5 into an endless loop; a loaded machine or a slow
// disk does not count) or 60 + 10 * `seconds` of wall time. Returns when it returned; throws
// InputError with its InputError's message; InputError "cannot read 'PATH': corrupt HDF5 file
// (...)" when a signal or the time limit ended it; InputError "... out of memory" for
// std::bad_alloc; std::runtime_error for any other end (another exception, a sanitizer's exit
// status), which is a bug of the reader, not of the file.
void read_in_child(const std::string& path, unsigned seconds, const std::function<void()>& read);

// The CPU time the read of a file of `bytes` may take: one second, and one per MiB (reads take
// milliseconds per MiB; only a corrupt file that sends libhdf5 round in circles reaches it).
unsigned read_time_limit(std::uintmax_t bytes);

}  // namespace hopelab::results
