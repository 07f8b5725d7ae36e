#include "vlm/hf_config.h"

#include <cmath>
#include <limits>

#include "theory/input_error.h"

namespace hopelab::hf_config {

namespace {

constexpr int kMaxJsonDepth = 16;

// A JSON value for a message, cut short: files are untrusted and may hold huge values.
std::string shown(const Json& v) {
  std::string text = v.dump(-1, ' ', true, Json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

}  // namespace

Json parse_object(const std::string& text, const std::string& source) {
  bool too_deep = false;
  auto guard = [&](int depth, Json::parse_event_t event, Json&) {
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return true;
  };
  Json root;
  try {
    root = Json::parse(text, guard);
  } catch (const Json::exception& e) {
    throw InputError(source + ": invalid JSON: " + e.what());
  }
  if (too_deep) throw InputError(source + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (!root.is_object()) throw InputError(source + ": not a JSON object");
  return root;
}

Keys::Keys(const Json& object, std::string prefix, std::string source, const Json* also)
    : object_(&object), also_(also), prefix_(std::move(prefix)), source_(std::move(source)) {}

void Keys::fail(const std::string& what) const { throw InputError(source_ + ": " + what); }

std::string Keys::path(const std::string& key) const {
  const auto in = [&](const Json* o) {
    const auto it = o->find(key);
    return it != o->end() && !it->is_null();
  };
  if (also_ != nullptr && !in(object_) && in(also_)) return key;
  return prefix_ + key;
}

const Json* Keys::find(const std::string& key) const {
  const auto lookup = [&](const Json* o) -> const Json* {
    if (o == nullptr) return nullptr;
    const auto it = o->find(key);
    return it == o->end() || it->is_null() ? nullptr : &*it;
  };
  const Json* mine = lookup(object_);
  const Json* theirs = lookup(also_);
  if (mine != nullptr && theirs != nullptr && *mine != *theirs) {
    fail("key '" + prefix_ + key + "' = " + shown(*mine) + " disagrees with the top-level '" + key + "' = " +
         shown(*theirs));
  }
  return mine != nullptr ? mine : theirs;
}

const Json& Keys::present(const std::string& key) const {
  const Json* v = find(key);
  if (v == nullptr) fail("missing key '" + path(key) + "'");
  return *v;
}

std::int64_t Keys::integer(const std::string& key, std::int64_t low, std::int64_t high) const {
  const Json& v = present(key);
  const auto out_of_range = [&] {
    fail("key '" + path(key) + "' = " + shown(v) + " is outside [" + std::to_string(low) + ", " +
         std::to_string(high) + "]");
  };
  std::int64_t value = 0;
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(high)) out_of_range();
    value = v.get<std::int64_t>();
  } else if (v.is_number_float() && std::isfinite(v.get<double>()) && v.get<double>() == std::floor(v.get<double>()) &&
             std::fabs(v.get<double>()) < 9.0e15) {
    value = static_cast<std::int64_t>(v.get<double>());  // 4.0 is the integer 4
  } else {
    fail("key '" + path(key) + "' is not an integer (" + shown(v) + ")");
  }
  if (value < low || value > high) out_of_range();
  return value;
}

std::int64_t Keys::integer(const std::string& key, std::int64_t low, std::int64_t high, std::int64_t fallback) const {
  return has(key) ? integer(key, low, high) : fallback;
}

double Keys::number(const std::string& key) const {
  const Json& v = present(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0.0) {
    fail("key '" + path(key) + "' is not a positive finite number (" + shown(v) + ")");
  }
  return v.get<double>();
}

double Keys::number(const std::string& key, double fallback) const { return has(key) ? number(key) : fallback; }

bool Keys::boolean(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const Json& v = present(key);
  if (!v.is_boolean()) fail("key '" + path(key) + "' is not true or false (" + shown(v) + ")");
  return v.get<bool>();
}

std::string Keys::text(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  const Json& v = present(key);
  if (!v.is_string()) fail("key '" + path(key) + "' is not a string (" + shown(v) + ")");
  return v.get<std::string>();
}

std::optional<std::vector<std::int64_t>> Keys::integers(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  const Json& v = present(key);
  if (!v.is_array()) fail("key '" + path(key) + "' is not an array (" + shown(v) + ")");
  std::vector<std::int64_t> out;
  for (const Json& s : v) {
    if (!s.is_number_integer() || s.get<std::int64_t>() < 0 ||
        s.get<std::int64_t>() > std::numeric_limits<int>::max()) {
      fail("key '" + path(key) + "' has a bad entry " + shown(s));
    }
    out.push_back(s.get<std::int64_t>());
  }
  return out;
}

std::optional<Keys> Keys::object(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  const Json& v = present(key);
  if (!v.is_object()) fail("key '" + path(key) + "' is not an object");
  return Keys(v, path(key) + ".", source_);
}

Keys language_keys(const Json& root, const std::string& source) {
  const auto text = root.find("text_config");
  if (text == root.end() || text->is_null()) return Keys(root, "", source);
  if (!text->is_object()) throw InputError(source + ": key 'text_config' is not an object");
  return Keys(*text, "text_config.", source, &root);
}

RopeSettings read_rope(const Keys& language, double default_theta) {
  // 5.x: rope_parameters (rope_theta inside); 4.x: rope_scaling beside rope_theta.
  std::optional<Keys> rope = language.object("rope_parameters");
  if (!rope) rope = language.object("rope_scaling");
  RopeSettings out;
  out.theta = language.number("rope_theta", default_theta);
  out.partial_rotary_factor = language.number("partial_rotary_factor", 1.0);
  if (rope) {
    for (const char* key : {"rope_type", "type"}) {
      const std::string type = rope->text(key, "default");
      if (type != "default" && type != "mrope") {
        rope->fail("key '" + rope->path(key) + "' = " + shown(Json(type)) +
                   ": this rope type changes the frequencies; hopelab's methods model only the default (unscaled) "
                   "rotary");
      }
    }
    if (rope->has("rope_theta")) {
      const double theta = rope->number("rope_theta");
      if (language.has("rope_theta") && language.number("rope_theta") != theta) {
        rope->fail("key '" + rope->path("rope_theta") + "' disagrees with '" + language.path("rope_theta") + "'");
      }
      out.theta = theta;
    }
    if (rope->has("partial_rotary_factor")) out.partial_rotary_factor = rope->number("partial_rotary_factor");
    if (const auto section = rope->integers("mrope_section")) {
      out.section = std::vector<int>(section->begin(), section->end());
      out.section_path = rope->path("mrope_section");
    }
    out.interleaved = rope->boolean("mrope_interleaved", false);
  }
  if (!(out.theta > 1.0)) {
    language.fail("rope_theta = " + std::to_string(out.theta) + " is not above 1");
  }
  if (out.partial_rotary_factor > 1.0) {
    language.fail("partial_rotary_factor = " + std::to_string(out.partial_rotary_factor) + " is above 1");
  }
  return out;
}

}  // namespace hopelab::hf_config
