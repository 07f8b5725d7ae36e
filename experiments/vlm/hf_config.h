#pragma once
// Reading a Hugging Face config.json as transformers writes it (4.45 to 5.x): typed keys with
// transformers' defaults for the keys a version leaves out, the language settings at the top
// level (4.x) or under text_config (4.57 writes both, 5.x only the latter), and the rotary
// settings under rope_scaling (4.x) or rope_parameters (5.x). Used by config_json.h (the whole
// Qwen2-VL configuration) and rotary_config.h (`--config`: any model's rotary settings).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopelab::hf_config {

using Json = nlohmann::json;

// The file's text as a JSON object. Throws InputError naming `source` for invalid JSON, nesting
// deeper than 16 levels, or a value that is not an object.
Json parse_object(const std::string& text, const std::string& source);

// Typed reads of one object's keys. A key that is absent or null takes the default given, as
// transformers gives it to an omitted key; a key without a default must be present. A value of
// the wrong type or range throws InputError "<source>: key '<path>' ..." naming the value.
// With `also` (the top level, when the keys are read from text_config), a key is looked up in
// both objects, and one present in both with different values is refused.
class Keys {
 public:
  Keys(const Json& object, std::string prefix, std::string source, const Json* also = nullptr);

  bool has(const std::string& key) const { return find(key) != nullptr; }
  std::int64_t integer(const std::string& key, std::int64_t low, std::int64_t high) const;
  std::int64_t integer(const std::string& key, std::int64_t low, std::int64_t high, std::int64_t fallback) const;
  double number(const std::string& key) const;  // positive and finite
  double number(const std::string& key, double fallback) const;
  bool boolean(const std::string& key, bool fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  // Non-negative integers; nullopt when absent or null.
  std::optional<std::vector<std::int64_t>> integers(const std::string& key) const;
  // The object under `key`, nullopt when absent or null; refused when it is not an object.
  std::optional<Keys> object(const std::string& key) const;

  const std::string& source() const { return source_; }
  // "text_config.hidden_size" or "hidden_size": where `key` was found (or would be read).
  std::string path(const std::string& key) const;
  [[noreturn]] void fail(const std::string& what) const;

 private:
  const Json* find(const std::string& key) const;
  const Json& present(const std::string& key) const;  // throws "missing key"

  const Json* object_;
  const Json* also_;
  std::string prefix_, source_;
};

// The keys of the language model: text_config's, also looking at the top level (a key written in
// both places must agree), or the top level's when there is no text_config.
Keys language_keys(const Json& root, const std::string& source);

// The rotary settings of a language model's keys.
struct RopeSettings {
  double theta = 0;                           // rope_theta (the default given when absent)
  std::optional<std::vector<int>> section;    // mrope_section [t, h, w], when the file has one
  bool interleaved = false;                   // mrope_interleaved (Qwen3-VL)
  double partial_rotary_factor = 1.0;         // fraction of the head's dimensions rotated
  std::string section_path;                   // where the section was read, for messages
};

// rope_theta from rope_parameters (5.x) or the language keys (4.x); mrope_section and
// mrope_interleaved from rope_parameters or rope_scaling; partial_rotary_factor from either or
// the language keys. A rope type other than "default" (or the legacy "mrope") changes the
// frequencies in ways hopelab's methods do not model and is refused, naming it.
RopeSettings read_rope(const Keys& language, double default_theta);

}  // namespace hopelab::hf_config
