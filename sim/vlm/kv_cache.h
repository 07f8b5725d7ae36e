#pragma once
// The key-value cache of the language model, for any Ops (sim/vlm/vlm_graph.h): per decoder
// layer the keys (already rotated at their token's position) and values of every token so far,
// in Ops buffers, plus what the next token's position needs (the layout so far and the position
// offset). Memory O(layers L n_kv d). KvCache is the host's.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/vlm/host_ops.h"
#include "theory/layout.h"
#include "theory/position_design.h"

namespace hopelab {

template <class Ops>
struct KvCacheOf {
  using Buffer = typename Ops::Buffer;

  std::int64_t length = 0;        // tokens cached
  std::int64_t width = 0;         // n_kv d
  std::vector<Buffer> keys;       // per layer: (capacity, n_kv d), rotated
  std::vector<Buffer> values;     // per layer: (capacity, n_kv d)
  Layout layout;                  // layout of the cached tokens (generated ones extend it)
  double position_offset = 0.0;   // added to every axis of every position
  PositionIds ahead;              // positions of the cached tokens and of the next generated
                                  // ones, computed ahead by decode (empty after prefill)

  // Empties the cache for a model of `layers` layers and KV width `kv_width`.
  void reset(int layers, std::int64_t kv_width) {
    length = 0;
    width = kv_width;
    keys.assign(static_cast<std::size_t>(layers), Buffer{});
    values.assign(static_cast<std::size_t>(layers), Buffer{});
    layout.clear();
    position_offset = 0.0;
    ahead = PositionIds{};
  }
  // Room for `tokens` tokens in every layer (grows geometrically).
  void reserve(std::int64_t tokens) {
    const auto needed = static_cast<std::size_t>(tokens * width);
    for (std::size_t l = 0; l < keys.size(); ++l) {
      Ops::grow_keeping(&keys[l], needed);
      Ops::grow_keeping(&values[l], needed);
    }
  }
};

using KvCache = KvCacheOf<HostOps>;

}  // namespace hopelab
