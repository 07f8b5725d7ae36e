#pragma once
// Every file hopelab writes goes through here: written whole to a temporary .NAME.tmp-PID beside
// its destination, then renamed into place, so a reader never sees half a file. A destination
// that exists and is not a regular file (a device, a FIFO, a directory, a socket) is refused,
// never replaced; temporaries left by a killed process are removed by the next write.

#include <string>
#include <string_view>

namespace hopelab::output {

// Refuses (InputError) a `path` that exists and is not a regular file, and an existing regular
// file unless `overwrite`. `what` names the file in the message ("results file", "output").
void check_destination(const std::string& path, bool overwrite, const std::string& what);

// DIR/.NAME.tmp-PID for DIR/NAME, this process's temporary (same directory: the rename is atomic).
std::string temporary_path(const std::string& path);

// Removes DIR/.NAME.tmp-PID of `path` (a file, or a directory of temporaries) for every PID
// whose process is gone (a kill -9 mid-write).
void remove_stale_temporaries(const std::string& path);
// The same for every .*.tmp-PID in `directory` (a directory hopelab owns: a work directory, a
// checkpoint directory).
void remove_stale_temporaries_in(const std::string& directory);

// Renames `temporary` onto `path` after checking `path` again (check_destination with
// overwrite); removes the temporary when it fails. Throws InputError naming `path`.
void rename_into_place(const std::string& temporary, const std::string& path, const std::string& what);

// check_destination, remove_stale_temporaries, then `bytes` through temporary_path(path) renamed
// into place. Throws InputError naming `path`; leaves no temporary behind.
void write_file_atomically(const std::string& path, std::string_view bytes, bool overwrite, const std::string& what);

}  // namespace hopelab::output
