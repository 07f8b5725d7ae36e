#include "sim/vlm/vlm_positions.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "theory/input_error.h"

namespace hopelab {
namespace {

std::string grid_text(const VisualGrid& g) {
  return "(" + std::to_string(g.t) + ", " + std::to_string(g.h) + ", " + std::to_string(g.w) + ")";
}

void check_grid(const char* kind, std::size_t index, const VisualGrid& g, int merge) {
  const std::string name = std::string(kind) + " grid " + std::to_string(index) + " " + grid_text(g);
  if (g.t < 1 || g.h < 1 || g.w < 1) throw InputError(name + " must have t, h, w >= 1");
  if (g.h % merge != 0) {
    throw InputError(name + ": h = " + std::to_string(g.h) + " is not divisible by the spatial merge size " +
                     std::to_string(merge));
  }
  if (g.w % merge != 0) {
    throw InputError(name + ": w = " + std::to_string(g.w) + " is not divisible by the spatial merge size " +
                     std::to_string(merge));
  }
}

std::int64_t patch_count(const std::vector<VisualGrid>& grids) {
  std::int64_t n = 0;
  for (const VisualGrid& g : grids) n += g.t * g.h * g.w;
  return n;
}

void check_pixels(const char* name, const Tensor& pixels, const std::vector<VisualGrid>& grids, int patch_dim) {
  const std::int64_t rows = patch_count(grids);
  if (pixels.shape.empty() && pixels.data.empty() && rows == 0) return;
  if (pixels.shape.size() != 2) {
    throw InputError(std::string(name) + " must be 2-D (patches, " + std::to_string(patch_dim) + "), got " +
                     std::to_string(pixels.shape.size()) + " dimensions");
  }
  if (pixels.shape[0] != rows) {
    throw InputError(std::string(name) + " has " + std::to_string(pixels.shape[0]) +
                     " rows but the grids count " + std::to_string(rows) + " patches");
  }
  if (pixels.shape[1] != patch_dim) {
    throw InputError(std::string(name) + " rows are " + std::to_string(pixels.shape[1]) +
                     " wide, expected C*T_p*p*p = " + std::to_string(patch_dim));
  }
  if (static_cast<std::int64_t>(pixels.data.size()) != rows * patch_dim) {
    throw InputError(std::string(name) + " holds " + std::to_string(pixels.data.size()) + " values, its shape needs " +
                     std::to_string(rows * patch_dim));
  }
  for (std::size_t i = 0; i < pixels.data.size(); ++i) {
    if (!std::isfinite(pixels.data[i])) {
      throw InputError(std::string(name) + "[" + std::to_string(i / static_cast<std::size_t>(patch_dim)) + ", " +
                       std::to_string(i % static_cast<std::size_t>(patch_dim)) + "] = " +
                       std::to_string(pixels.data[i]) + " is not finite");
    }
  }
}

}  // namespace

Layout vlm_layout(const VlmConfig& config, const VlmInput& input) {
  const std::vector<std::int64_t>& ids = input.input_ids;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= config.vocab_size) {
      throw InputError("input_ids[" + std::to_string(i) + "] = " + std::to_string(ids[i]) +
                       " is outside the vocabulary [0, " + std::to_string(config.vocab_size) + ")");
    }
  }
  const int merge = config.vision.spatial_merge_size;
  for (std::size_t g = 0; g < input.image_grid_thw.size(); ++g) check_grid("image", g, input.image_grid_thw[g], merge);
  for (std::size_t g = 0; g < input.video_grid_thw.size(); ++g) check_grid("video", g, input.video_grid_thw[g], merge);

  Layout layout;
  std::size_t used_images = 0, used_videos = 0;
  std::size_t i = 0;
  while (i < ids.size()) {
    const bool image = ids[i] == config.image_token_id, video = ids[i] == config.video_token_id;
    if (!image && !video) {  // a text run
      std::size_t j = i;
      while (j < ids.size() && ids[j] != config.image_token_id && ids[j] != config.video_token_id) ++j;
      layout.push_back(Segment{SegmentKind::text, static_cast<std::int64_t>(j - i), 1, 1, 1});
      i = j;
      continue;
    }
    const char* kind = image ? "image" : "video";
    const std::vector<VisualGrid>& grids = image ? input.image_grid_thw : input.video_grid_thw;
    std::size_t& used = image ? used_images : used_videos;
    if (used >= grids.size()) {
      throw InputError(std::string("input_ids hold more ") + kind + " runs than the " + std::to_string(grids.size()) +
                       " " + kind + " grids (a run starts at token " + std::to_string(i) + ")");
    }
    const VisualGrid& g = grids[used];
    const std::int64_t rows = g.h / merge, cols = g.w / merge, tokens = g.t * rows * cols;  // t (h/m)(w/m)
    std::size_t run = 0;
    while (i + run < ids.size() && ids[i + run] == ids[i] && static_cast<std::int64_t>(run) < tokens) ++run;
    if (static_cast<std::int64_t>(run) != tokens) {
      throw InputError(std::string(kind) + " run " + std::to_string(used) + " at token " + std::to_string(i) +
                       " has " + std::to_string(run) + " tokens but grid " + grid_text(g) + " needs " +
                       std::to_string(tokens));
    }
    layout.push_back(Segment{image ? SegmentKind::image : SegmentKind::video, 0, g.t, rows, cols});
    ++used;
    i += run;
  }
  if (used_images != input.image_grid_thw.size()) {
    throw InputError("image_grid_thw has " + std::to_string(input.image_grid_thw.size()) +
                     " grids but input_ids hold " + std::to_string(used_images) + " image runs");
  }
  if (used_videos != input.video_grid_thw.size()) {
    throw InputError("video_grid_thw has " + std::to_string(input.video_grid_thw.size()) +
                     " grids but input_ids hold " + std::to_string(used_videos) + " video runs");
  }
  return layout;
}

void validate_pixels(const VlmConfig& config, const VlmInput& input) {
  const int patch_dim = config.vision.patch_dim();
  check_pixels("pixel_values", input.pixel_values, input.image_grid_thw, patch_dim);
  check_pixels("pixel_values_videos", input.pixel_values_videos, input.video_grid_thw, patch_dim);
}

PositionIds vlm_positions(const Method& method, const Layout& layout, double offset) {
  PositionIds ids = assign_positions(method.design, layout);
  if (offset != 0.0) {
    for (std::vector<double>* axis : {&ids.t, &ids.h, &ids.w}) {
      for (double& p : *axis) p += offset;  // a constant on every axis of every token
    }
  }
  return ids;
}

PositionIds vlm_positions(const VlmConfig& config, const VlmRotary& rotary, const VlmInput& input, double offset) {
  return vlm_positions(language_method(config, rotary), vlm_layout(config, input), offset);
}

Layout extend_last_text(Layout layout, std::int64_t tokens) {
  if (tokens <= 0) return layout;
  if (!layout.empty() && !layout.back().visual()) {
    layout.back().tokens += tokens;
  } else {
    layout.push_back(Segment{SegmentKind::text, tokens, 1, 1, 1});
  }
  return layout;
}

Position3 next_decode_position(const Method& method, double offset, std::int64_t cached, Layout* layout,
                               PositionIds* ahead) {
  *layout = extend_last_text(std::move(*layout), 1);  // generated tokens extend the last text run
  if (cached >= ahead->size()) *ahead = vlm_positions(method, extend_last_text(*layout, kDecodeAhead), offset);
  return ahead->at(cached);
}

}  // namespace hopelab
