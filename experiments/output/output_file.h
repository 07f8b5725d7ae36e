#pragma once
// Every file hopelab writes goes through here: written whole to a temporary .NAME.tmp-PID beside
// its destination, then renamed into place, so a reader never sees half a file. A destination
// that exists and is not a regular file (a device, a FIFO, a directory, a socket) is refused,
// never replaced; temporaries left by a killed process are removed by the next write.
// Header only, so that every file that writes (the VLM files compiled into the fuzz harness
// too) carries the rule without a library to link.

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "theory/input_error.h"

namespace hopelab::output {

namespace fs = std::filesystem;

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

// ---- definitions ---------------------------------------------------------------------------

namespace output_detail {

inline constexpr std::string_view kTag = ".tmp-";

// The PID of a temporary's name ".NAME.tmp-PID" of `stem` (".NAME" for any NAME when empty), or 0.
inline pid_t temporary_pid(const std::string& file, const std::string& stem) {
  if (file.size() < 2 || file[0] != '.') return 0;
  const std::size_t tag = file.rfind(kTag);
  if (tag == std::string::npos || tag == 0) return 0;
  if (!stem.empty() && file.compare(0, tag, stem) != 0) return 0;
  if (!stem.empty() && tag != stem.size()) return 0;
  const std::string digits = file.substr(tag + kTag.size());
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return static_cast<pid_t>(std::stol(digits));
}

inline bool process_gone(pid_t pid) { return pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH; }

inline void remove_stale(const fs::path& directory, const std::string& stem) {
  std::error_code ec;
  fs::directory_iterator it(directory.empty() ? fs::path(".") : directory, ec);
  if (ec) return;
  for (const fs::directory_entry& entry : it) {
    const pid_t pid = temporary_pid(entry.path().filename().string(), stem);
    std::error_code status_error;
    if (pid > 0 && !entry.is_symlink(status_error) && process_gone(pid)) fs::remove_all(entry.path(), status_error);
  }
}

}  // namespace output_detail

inline void check_destination(const std::string& path, bool overwrite, const std::string& what) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return;
  if (!fs::is_regular_file(status)) {
    throw InputError(what + " '" + path + "' exists and is not a regular file (" +
                     (fs::is_directory(status) ? "a directory" : "a device, FIFO or socket") +
                     "); hopelab never replaces one");
  }
  if (!overwrite) throw InputError(what + " '" + path + "' already exists (use --force to overwrite it)");
}

inline std::string temporary_path(const std::string& path) {
  const fs::path target(path);
  const std::string name = "." + target.filename().string() + std::string(output_detail::kTag);
  return (target.parent_path() / (name + std::to_string(::getpid()))).string();
}

inline void remove_stale_temporaries(const std::string& path) {
  const fs::path target(path);
  output_detail::remove_stale(target.parent_path(), "." + target.filename().string());
}

inline void remove_stale_temporaries_in(const std::string& directory) {
  output_detail::remove_stale(directory, "");
}

inline void rename_into_place(const std::string& temporary, const std::string& path, const std::string& what) {
  try {
    check_destination(path, true, what);
  } catch (const InputError&) {
    std::remove(temporary.c_str());
    throw;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw InputError("cannot write " + what + " '" + path + "': cannot rename its temporary into place");
  }
}

inline void write_file_atomically(const std::string& path, std::string_view bytes, bool overwrite,
                                  const std::string& what) {
  check_destination(path, overwrite, what);
  remove_stale_temporaries(path);
  const std::string temporary = temporary_path(path);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (out) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (out) out.close();
    if (!out) {
      std::remove(temporary.c_str());
      throw InputError("cannot write " + what + " '" + path + "'");
    }
  }
  rename_into_place(temporary, path, what);
}

}  // namespace hopelab::output
