#include "plot/method_style.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <utility>

#include "plot/figure.h"

namespace hopelab::plot {

namespace {

struct Entry {
  const char* method;
  MethodStyle style;
};

// Point types: 7 filled circle, 5 filled square, 9 filled triangle, 11 filled inverted
// triangle, 13 filled diamond, 15 filled pentagon, 4/6/8/10/12/14 their open forms.
const std::array<Entry, 12>& table() {
  static const std::array<Entry, 12> entries = {{
      {"vanilla", {"RoPE (1D)", "#000000", 7, 1}},
      {"mrope", {"M-RoPE", "#56B4E9", 5, 2}},
      {"mrope-interleave", {"MRoPE-I", "#009E73", 13, 4}},
      {"videorope", {"VideoRoPE", "#0072B2", 11, 5}},
      {"hope", {"HoPE", "#D55E00", 9, 1}},
      {"hope-x", {"HoPE-X", "#CC79A7", 15, 3}},
      {"mhrope", {"MHRoPE", "#E69F00", 4, 2}},
      {"p-rope", {"p-RoPE", "#882255", 6, 4}},
      {"nope", {"NoPE", "#808080", 8, 5}},
      {"v2pe", {"V2PE", "#117733", 10, 3}},
      {"tad-rope", {"TAD-RoPE", "#332288", 12, 2}},
      {"custom", {"custom allocation", "#999933", 14, 4}},
  }};
  return entries;
}

}  // namespace

MethodStyle method_style(const std::string& method) {
  for (const Entry& e : table()) {
    if (method == e.method) return e.style;
  }
  return {plain_text(method.empty() ? "?" : method), "#808080", 1, 1};
}

std::string setting_text(const std::string& key, const std::string& value) {
  if (key == "method") return method_style(value).name;
  if (key == "along") return "along " + plain_text(value);
  if (key == "only_axis") return plain_text(value) + " pairs only";
  static const std::array<std::pair<const char*, const char*>, 5> symbols = {
      {{"base", "b"}, {"gamma", "γ"}, {"delta", "δ"}, {"head_dim", "d"}, {"context_length", "L"}}};
  for (const auto& [name, symbol] : symbols) {
    if (key == name) return std::string(symbol) + " = " + plain_text(value);
  }
  return plain_text(key) + " = " + plain_text(value);
}

std::string unit_label(const results::RunRecord& run, const std::vector<std::string>& skip) {
  std::string out = method_style(text_attribute(run, "method", "?")).name;
  if (text_attribute(run, "unit").find('/') != std::string::npos) {
    std::stringstream parts(sweep_label(run));
    std::string part;
    while (std::getline(parts, part, ',')) {
      const std::size_t eq = part.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = part.substr(0, eq);
      if (key == "method" || std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
      out += ", " + setting_text(key, part.substr(eq + 1));
    }
  }
  const std::string axis = text_attribute(run, "only_axis");
  if (!axis.empty()) out += ", " + setting_text("only_axis", axis);
  return out;
}

std::string method_colour(const std::string& method, std::size_t k) {
  return " lc rgb '" + shade_of(method_style(method).colour, k) + "'";
}

std::string tint(const std::string& colour, double share) {
  if (colour.size() != 7 || colour[0] != '#') return colour;
  share = std::clamp(share, 0.0, 1.0);
  char out[8];
  int channel[3];
  for (int c = 0; c < 3; ++c) {
    const int v = static_cast<int>(std::strtol(colour.substr(1 + 2 * c, 2).c_str(), nullptr, 16));
    channel[c] = static_cast<int>(v + (255 - v) * share + 0.5);
  }
  std::snprintf(out, sizeof out, "#%02X%02X%02X", channel[0], channel[1], channel[2]);
  return out;
}

std::string shade_of(const std::string& colour, std::size_t k) {
  return tint(colour, 0.28 * static_cast<double>(std::min<std::size_t>(k, 2)));
}

}  // namespace hopelab::plot
