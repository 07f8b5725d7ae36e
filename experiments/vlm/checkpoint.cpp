#include "vlm/checkpoint.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "output/output_file.h"
#include "sim/vlm/parameters.h"
#include "theory/input_error.h"
#include "vlm/config_json.h"
#include "vlm/file_bytes.h"

namespace hopelab {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const char* const kConfigFile = "config.json";
const char* const kSingleFile = "model.safetensors";
const char* const kIndexFile = "model.safetensors.index.json";

std::string join(const std::string& directory, const std::string& file) {
  return (fs::path(directory) / file).string();
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + ")";
}

void take_floats(SafetensorsContents&& file, const std::string& source, TensorMap* weights,
                 std::set<std::string>* dtypes) {
  if (!file.integers.empty()) {
    throw InputError(source + ": unexpected integer tensor '" + file.integers.begin()->first + "' in a checkpoint");
  }
  for (const auto& [name, dtype] : file.stored_dtypes) dtypes->insert(dtype_name(dtype));
  for (auto& [name, tensor] : file.floats) (*weights)[name] = std::move(tensor);
}

// Shards named by the index, each read once; every tensor must sit where the index says.
int read_shards(const std::string& directory, TensorMap* weights, std::set<std::string>* dtypes) {
  const std::string index_path = join(directory, kIndexFile);
  const std::vector<std::uint8_t> bytes = read_file_bytes(index_path);
  Json index;
  try {
    index = Json::parse(bytes.begin(), bytes.end());
  } catch (const Json::exception& e) {
    throw InputError(index_path + ": invalid JSON: " + e.what());
  }
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
    throw InputError(index_path + ": missing object 'weight_map'");
  }
  std::map<std::string, std::set<std::string>> by_shard;
  for (const auto& item : index["weight_map"].items()) {
    if (!item.value().is_string())
      throw InputError(index_path + ": shard of tensor '" + item.key() + "' is not a string");
    const std::string shard = item.value().get<std::string>();
    if (shard.empty() || shard == "." || shard == ".." || shard.find('/') != std::string::npos ||
        shard.find('\\') != std::string::npos) {
      throw InputError(index_path + ": shard '" + shard + "' of tensor '" + item.key() +
                       "' is not a file name in the directory");
    }
    by_shard[shard].insert(item.key());
  }
  for (const auto& [shard, names] : by_shard) {
    const std::string path = join(directory, shard);
    SafetensorsContents file = read_safetensors(path);
    for (const auto& [name, dtype] : file.stored_dtypes) {
      if (!names.count(name))
        throw InputError(path + ": tensor '" + name + "' is not mapped to this shard by " + kIndexFile);
    }
    for (const std::string& name : names) {
      if (!file.stored_dtypes.count(name))
        throw InputError(path + ": tensor '" + name + "' listed by " + kIndexFile + " is missing");
    }
    take_floats(std::move(file), path, weights, dtypes);
  }
  return static_cast<int>(by_shard.size());
}

std::string torch_dtype(Dtype dtype) {
  return dtype == Dtype::bf16 ? "bfloat16" : dtype == Dtype::f16 ? "float16" : "float32";
}

}  // namespace

void check_weights(const VlmConfig& config, const TensorMap& weights, const std::string& source) {
  const std::vector<ParameterSpec> specs = expected_parameters(config);
  std::set<std::string> expected;
  for (const ParameterSpec& s : specs) expected.insert(s.name);
  for (const auto& [name, tensor] : weights) {
    if (!expected.count(name))
      throw InputError(source + ": unexpected tensor '" + name + "' " + shape_text(tensor.shape));
  }
  for (const ParameterSpec& s : specs) {
    const auto it = weights.find(s.name);
    if (it == weights.end())
      throw InputError(source + ": missing tensor '" + s.name + "' of shape " + shape_text(s.shape));
    if (it->second.shape != s.shape) {
      throw InputError(source + ": tensor '" + s.name + "' has shape " + shape_text(it->second.shape) +
                       " but the config needs " + shape_text(s.shape));
    }
    const std::vector<float>& data = it->second.data;
    if (data.size() != static_cast<size_t>(it->second.numel())) {
      throw InputError(source + ": tensor '" + s.name + "' holds " + std::to_string(data.size()) + " values, not " +
                       std::to_string(it->second.numel()));
    }
    for (size_t i = 0; i < data.size(); ++i) {
      if (!std::isfinite(data[i])) {
        throw InputError(source + ": tensor '" + s.name + "' has non-finite value " + std::to_string(data[i]) +
                         " at index " + std::to_string(i));
      }
    }
  }
}

Checkpoint load_checkpoint(const std::string& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) throw InputError("checkpoint directory '" + directory + "' does not exist");
  Checkpoint out;
  out.config = read_config_json(join(directory, kConfigFile));
  const bool single = fs::exists(join(directory, kSingleFile), error);
  const bool sharded = fs::exists(join(directory, kIndexFile), error);
  std::set<std::string> dtypes;
  if (single && sharded) {
    throw InputError("checkpoint '" + directory + "' holds both " + kSingleFile + " and " + kIndexFile);
  }
  if (sharded) {
    out.shards = read_shards(directory, &out.weights, &dtypes);
  } else {
    const std::string path = join(directory, kSingleFile);
    take_floats(read_safetensors(path), path, &out.weights, &dtypes);
  }
  check_weights(out.config, out.weights, "checkpoint '" + directory + "'");
  for (const std::string& d : dtypes) out.stored_dtypes += (out.stored_dtypes.empty() ? "" : "+") + d;
  return out;
}

Dtype parse_weight_dtype(const std::string& text) {
  if (text == "f32") return Dtype::f32;
  if (text == "bf16") return Dtype::bf16;
  if (text == "f16") return Dtype::f16;
  throw InputError("unknown weight dtype '" + text + "' (expected f32, bf16 or f16)");
}

void save_checkpoint(const std::string& directory, const VlmConfig& config, const TensorMap& weights, Dtype dtype,
                     std::uint64_t max_shard_bytes) {
  validate_vlm_config(config, "config");
  check_weights(config, weights, "weights");
  // Files (name -> bytes), all serialized before anything touches the directory.
  std::map<std::string, std::vector<std::uint8_t>> files;
  const std::string config_text = config_json_text(config, torch_dtype(dtype));
  files[kConfigFile] = std::vector<std::uint8_t>(config_text.begin(), config_text.end());
  std::vector<SafetensorsContents> shards(1);
  std::uint64_t shard_bytes = 0, total_bytes = 0;
  for (const auto& [name, tensor] : weights) {
    const std::uint64_t bytes =
        static_cast<std::uint64_t>(tensor.numel()) * static_cast<std::uint64_t>(dtype_size(dtype));
    if (max_shard_bytes > 0 && shard_bytes > 0 && shard_bytes + bytes > max_shard_bytes) {
      shards.emplace_back();
      shard_bytes = 0;
    }
    shards.back().floats[name] = tensor;
    shard_bytes += bytes;
    total_bytes += bytes;
  }
  if (max_shard_bytes == 0) {
    shards[0].metadata["format"] = "pt";
    files[kSingleFile] = serialize_safetensors(shards[0], dtype);
  } else {
    nlohmann::ordered_json index = {{"metadata", {{"total_size", total_bytes}}},
                                    {"weight_map", nlohmann::ordered_json::object()}};
    for (size_t s = 0; s < shards.size(); ++s) {
      char name[64];
      std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", s + 1, shards.size());
      shards[s].metadata["format"] = "pt";
      files[name] = serialize_safetensors(shards[s], dtype);
      for (const auto& [tensor_name, tensor] : shards[s].floats) index["weight_map"][tensor_name] = name;
    }
    const std::string index_text = index.dump(2) + "\n";
    files[kIndexFile] = std::vector<std::uint8_t>(index_text.begin(), index_text.end());
  }
  std::error_code error;
  fs::create_directories(directory, error);
  if (!fs::is_directory(directory, error)) throw InputError("cannot create checkpoint directory '" + directory + "'");
  output::remove_stale_temporaries_in(directory);
  for (const auto& [name, bytes] : files) output::check_destination(join(directory, name), true, "checkpoint file");
  try {
    for (const auto& [name, bytes] : files) write_file_bytes(output::temporary_path(join(directory, name)), bytes);
  } catch (const InputError&) {
    for (const auto& [name, bytes] : files) fs::remove(output::temporary_path(join(directory, name)), error);
    throw;
  }
  for (const auto& [name, bytes] : files) {
    const std::string path = join(directory, name);
    output::rename_into_place(output::temporary_path(path), path, "checkpoint file");
  }
  // The other layout's file would make the directory ambiguous (old shards are left alone).
  fs::remove(join(directory, max_shard_bytes == 0 ? kIndexFile : kSingleFile), error);
}

}  // namespace hopelab
