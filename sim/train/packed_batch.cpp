#include "sim/train/packed_batch.h"

#include <string>

#include "theory/input_error.h"

namespace hopelab {
namespace {

template <class T>
void append(std::vector<T>* to, const std::vector<T>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

// Rows of `from` after the rows of *to; widths must agree.
void append_rows(Tensor* to, const Tensor& from) {
  if (from.data.empty()) return;
  if (to->data.empty()) {
    *to = from;
    return;
  }
  if (to->shape.size() != 2 || from.shape.size() != 2 || to->shape[1] != from.shape[1]) {
    throw InputError("packed prompts have pixel rows of different widths");
  }
  to->shape[0] += from.shape[0];
  append(&to->data, from.data);
}

}  // namespace

PackedBatch pack_batch(const std::vector<const VlmInput*>& prompts, const std::vector<PositionIds>& positions) {
  if (prompts.size() != positions.size()) throw InputError("one position list per packed prompt");
  PackedBatch b;
  bool labelled = true;
  for (const VlmInput* p : prompts) labelled = labelled && p->labels.size() == p->input_ids.size();
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const VlmInput& p = *prompts[i];
    if (positions[i].size() != static_cast<std::int64_t>(p.input_ids.size())) {
      throw InputError("prompt " + std::to_string(i) + " of the batch has positions of another length");
    }
    b.segments.push_back(static_cast<std::int64_t>(p.input_ids.size()));
    append(&b.input.input_ids, p.input_ids);
    if (labelled) append(&b.input.labels, p.labels);
    append_rows(&b.input.pixel_values, p.pixel_values);
    append(&b.input.image_grid_thw, p.image_grid_thw);
    append_rows(&b.input.pixel_values_videos, p.pixel_values_videos);
    append(&b.input.video_grid_thw, p.video_grid_thw);
    append(&b.positions.t, positions[i].t);
    append(&b.positions.h, positions[i].h);
    append(&b.positions.w, positions[i].w);
  }
  return b;
}

}  // namespace hopelab
