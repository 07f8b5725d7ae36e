#include "output/output_file.h"

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "theory/input_error.h"

namespace hopelab::output {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTag = ".tmp-";

// The PID of a temporary's name ".NAME.tmp-PID" of `stem` (".NAME" for any NAME when empty), or 0.
pid_t temporary_pid(const std::string& file, const std::string& stem) {
  if (file.size() < 2 || file[0] != '.') return 0;
  const std::size_t tag = file.rfind(kTag);
  if (tag == std::string::npos || tag == 0) return 0;
  if (!stem.empty() && file.compare(0, tag, stem) != 0) return 0;
  if (!stem.empty() && tag != stem.size()) return 0;
  const std::string digits = file.substr(tag + kTag.size());
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return static_cast<pid_t>(std::stol(digits));
}

bool process_gone(pid_t pid) { return pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH; }

void remove_stale(const fs::path& directory, const std::string& stem) {
  std::error_code ec;
  fs::directory_iterator it(directory.empty() ? fs::path(".") : directory, ec);
  if (ec) return;
  for (const fs::directory_entry& entry : it) {
    const pid_t pid = temporary_pid(entry.path().filename().string(), stem);
    std::error_code status_error;
    if (pid > 0 && !entry.is_symlink(status_error) && process_gone(pid)) fs::remove_all(entry.path(), status_error);
  }
}

}  // namespace

void check_destination(const std::string& path, bool overwrite, const std::string& what) {
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

std::string temporary_path(const std::string& path) {
  const fs::path target(path);
  return (target.parent_path() / ("." + target.filename().string() + std::string(kTag) + std::to_string(::getpid())))
      .string();
}

void remove_stale_temporaries(const std::string& path) {
  const fs::path target(path);
  remove_stale(target.parent_path(), "." + target.filename().string());
}

void remove_stale_temporaries_in(const std::string& directory) { remove_stale(directory, ""); }

void rename_into_place(const std::string& temporary, const std::string& path, const std::string& what) {
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

void write_file_atomically(const std::string& path, std::string_view bytes, bool overwrite, const std::string& what) {
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
