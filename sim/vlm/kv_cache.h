#pragma once
// The key-value cache of the language model: per decoder layer the keys (already rotated at
// their token's position) and values of every token so far, plus what the next token's position
// needs (the layout so far and the position offset). Memory O(layers L n_kv d).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "theory/layout.h"
#include "theory/position_design.h"

namespace hopelab {

struct KvCache {
  std::int64_t length = 0;                 // tokens cached
  int width = 0;                           // n_kv d
  std::vector<std::vector<float>> keys;    // per layer: (capacity, n_kv d), rotated
  std::vector<std::vector<float>> values;  // per layer: (capacity, n_kv d)
  Layout layout;                           // layout of the cached tokens (generated ones extend it)
  double position_offset = 0.0;            // added to every axis of every position
  PositionIds ahead;                       // positions of the cached tokens and of the next generated
                                           // ones, computed ahead by decode (empty after prefill)

  // Empties the cache for a model of `layers` layers and KV width `kv_width`.
  void reset(int layers, int kv_width) {
    length = 0;
    width = kv_width;
    keys.assign(static_cast<std::size_t>(layers), {});
    values.assign(static_cast<std::size_t>(layers), {});
    layout.clear();
    position_offset = 0.0;
    ahead = PositionIds{};
  }
  // Room for `tokens` tokens in every layer (grows geometrically).
  void reserve(std::int64_t tokens) {
    const auto needed = static_cast<std::size_t>(tokens * width);
    for (std::size_t l = 0; l < keys.size(); ++l) {
      if (keys[l].size() >= needed) continue;
      const std::size_t grown = std::max(needed, 2 * keys[l].size());
      keys[l].resize(grown);
      values[l].resize(grown);
    }
  }
};

}  // namespace hopelab
