#pragma once
// Whole-file reads and atomic writes for the VLM's files (checkpoints, inputs): a file is written
// to a temporary beside it and renamed into place (output/output_file.h), so a reader never sees
// half a file. Errors are InputError naming the path.

#include <cstdint>
#include <string>
#include <vector>

namespace hopelab {

std::vector<std::uint8_t> read_file_bytes(const std::string& path);

// Writes `bytes` to exactly `path` (no rename); removes it again on failure.
void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

// Writes through output::temporary_path(path), then renames it onto `path`; refuses a `path`
// that exists and is not a regular file. Callers check an existing output (--force) before.
void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace hopelab
