#include "vlm/file_bytes.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "output/output_file.h"
#include "theory/input_error.h"

namespace hopelab {

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) throw InputError("no such file '" + path + "'");
  if (!std::filesystem::is_regular_file(path, error)) throw InputError("'" + path + "' is not a regular file");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw InputError("cannot open '" + path + "'");
  const std::streamoff size = in.tellg();
  if (size < 0) throw InputError("cannot read '" + path + "' (not a regular file?)");
  std::vector<std::uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw InputError("cannot read '" + path + "'");
  }
  return bytes;
}

void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (out) out.close();
  if (!out) {
    std::remove(path.c_str());
    throw InputError("cannot write '" + path + "'");
  }
}

void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  output::write_file_atomically(
      path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), true, "output");
}

}  // namespace hopelab
