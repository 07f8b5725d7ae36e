#include "command_json.h"

#include <string>

#include "record_output.h"

namespace hopelab::cli {

namespace {

std::string setting_name(const CLI::Option& option) {
  std::string name = option.get_single_name();
  for (char& ch : name) ch = ch == '-' ? '_' : ch;
  return name;
}

// A value as CLI11 prints it: a JSON number, boolean or list when it reads as one, else text.
Json typed(const std::string& text) {
  const Json parsed = Json::parse(text, nullptr, false);
  if (!parsed.is_discarded() && (parsed.is_number() || parsed.is_boolean() || parsed.is_array())) return parsed;
  return text;
}

std::string command_path(const CLI::App& cmd) {
  std::string path = cmd.get_name();
  for (const CLI::App* at = cmd.get_parent(); at != nullptr; at = at->get_parent()) path = at->get_name() + " " + path;
  return path;
}

}  // namespace

Json command_settings_json(const CLI::App& cmd) {
  Json settings = Json::object();
  for (const CLI::Option* option : cmd.get_options()) {
    if (option == cmd.get_help_ptr() || option == cmd.get_help_all_ptr()) continue;
    const std::string name = setting_name(*option);
    if (option->get_expected_min() == 0) {  // a flag
      settings[name] = option->count() > 0;
      continue;
    }
    // Not given: the default shown in --help, else the bound variable's value (its default).
    // Given: the bound variable's value now, after parsing (options bound to text hold it raw).
    std::string value = option->count() > 0 ? std::string() : option->get_default_str();
    if (value.empty()) {
      const_cast<CLI::Option*>(option)->capture_default_str();
      value = option->get_default_str();
    }
    if (!value.empty()) {
      settings[name] = typed(value);
    } else if (option->count() > 0) {
      const std::vector<std::string>& given = option->results();
      if (given.size() == 1) {
        settings[name] = typed(given.front());
      } else {
        Json list = Json::array();
        for (const std::string& g : given) list.push_back(typed(g));
        settings[name] = list;
      }
    } else {
      settings[name] = nullptr;
    }
  }
  return settings;
}

Json command_json(const CLI::App& cmd, const Json& result) {
  results::Provenance provenance = results::current_provenance();
  const Json settings = command_settings_json(cmd);
  if (settings.contains("seed") && settings["seed"].is_number_unsigned()) {
    provenance.seed = settings["seed"].get<std::uint64_t>();
  }
  return command_json(cmd, result, provenance);
}

Json command_json(const CLI::App& cmd, const Json& result, const results::Provenance& provenance) {
  Json out = {{"command", command_path(cmd)}, {"settings", command_settings_json(cmd)}};
  for (auto it = result.begin(); it != result.end(); ++it) out[it.key()] = it.value();
  if (!out.contains("provenance")) out["provenance"] = provenance_json(provenance);
  return out;
}

}  // namespace hopelab::cli
