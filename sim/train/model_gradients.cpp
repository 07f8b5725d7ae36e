#include "sim/train/model_gradients.h"

#include <string>

#include "sim/train/decoder_backward.h"
#include "sim/train/gradient_views.h"
#include "sim/train/vision_backward.h"
#include "sim/vlm/vlm_graph.h"
#include "theory/input_error.h"

namespace hopelab {
namespace {

// The visual rows' gradients of dx (L, H) go back through their grids, in the forward's order;
// pixels: the input's tensor the grids' rows come from.
void grids_backward(const VlmModel& model, const VlmInput& input, std::int64_t token, const Tensor& pixels,
                    const std::vector<VisualGrid>& grids, const std::vector<GridTape<HostOps>>& tapes,
                    const float* dx, VisionWeights<GradientViewOps>* g) {
  const VlmConfig& c = model.config();
  const std::vector<std::int64_t> rows = group_token_rows(visual_token_rows(c, input.input_ids, token, grids));
  const std::vector<GridGroup> groups = grid_groups(grids);  // as the forward encoded them
  const std::int64_t m2 = static_cast<std::int64_t>(c.vision.spatial_merge_size) * c.vision.spatial_merge_size;
  std::int64_t pixel_row = 0, token_row = 0;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const VisualGrid& grid = groups[i].merged;
    const std::int64_t tokens = grid.t * grid.h * grid.w / m2;
    const std::vector<std::int64_t> group_rows(rows.begin() + token_row, rows.begin() + token_row + tokens);
    std::vector<float> dmerged(group_rows.size() * static_cast<std::size_t>(c.hidden_size));
    HostOps{}.gather_rows(dx, group_rows, c.hidden_size, dmerged.data());  // the merger rows' gradient
    grid_backward(c.vision, model.host_weights().vision, model.vision_tower_rotary(), tapes[i],
                  pixels.data.data() + pixel_row * c.vision.patch_dim(), grid, dmerged.data(), g);
    pixel_row += grid.t * grid.h * grid.w;
    token_row += tokens;
  }
}

}  // namespace

void validate_labels(const VlmConfig& config, const std::vector<std::int64_t>& labels, std::size_t length) {
  if (labels.size() != length) {
    throw InputError("labels hold " + std::to_string(labels.size()) + " entries, input_ids " + std::to_string(length));
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != kIgnoreLabel && (labels[i] < 0 || labels[i] >= config.vocab_size)) {
      throw InputError("labels[" + std::to_string(i) + "] = " + std::to_string(labels[i]) +
                       " is neither -100 nor an id in [0, " + std::to_string(config.vocab_size) + ")");
    }
  }
}

std::vector<std::int64_t> default_labels(const VlmConfig& config, const std::vector<std::int64_t>& input_ids) {
  std::vector<std::int64_t> labels = input_ids;
  for (std::int64_t& id : labels) {
    if (id == config.image_token_id || id == config.video_token_id) id = kIgnoreLabel;
  }
  return labels;
}

CrossEntropy add_prompt_gradients(const VlmModel& model, const VlmInput& input, const std::vector<std::int64_t>& labels,
                                  double normaliser, TensorMap* gradients, const PrefillOptions& options) {
  const VlmConfig& c = model.config();
  validate_labels(c, labels, input.input_ids.size());
  if (options.probe != nullptr || options.last_row_only) throw InputError("a training forward takes no probe");
  const HostOps ops;
  ForwardTape<HostOps> tape;
  const std::vector<float> logits = prefill_logits(ops, model, model.host_weights(), input, static_cast<KvCache*>(nullptr), options, &tape);
  const auto rows = static_cast<std::int64_t>(input.input_ids.size());
  std::vector<float> dlogits(logits.size());
  const CrossEntropy ce =
      cross_entropy(logits.data(), rows, c.vocab_size, shifted_targets(labels, options.segments), normaliser,
                    dlogits.data());

  GradientViews g = gradient_views(c, gradients);
  std::vector<float> dx(static_cast<std::size_t>(rows) * c.hidden_size);  // d input embeddings (L, H)
  language_backward(c, model.host_weights().language, model.llm_rotary(), tape, rows, dlogits.data(), dx.data(),
                    &g.language);
  std::vector<std::int64_t> text_rows, text_ids;  // visual rows were replaced: no embed_tokens gradient
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t id = input.input_ids[static_cast<std::size_t>(r)];
    if (id == c.image_token_id || id == c.video_token_id) continue;
    text_rows.push_back(r);
    text_ids.push_back(id);
  }
  std::vector<float> dtext(text_rows.size() * static_cast<std::size_t>(c.hidden_size));
  ops.gather_rows(dx.data(), text_rows, c.hidden_size, dtext.data());
  gather_rows_backward(dtext.data(), text_ids, c.hidden_size, g.language.embed);
  grids_backward(model, input, c.image_token_id, input.pixel_values, input.image_grid_thw, tape.image_grids,
                 dx.data(), &g.vision);
  grids_backward(model, input, c.video_token_id, input.pixel_values_videos, input.video_grid_thw, tape.video_grids,
                 dx.data(), &g.vision);
  return ce;
}

LossAndGradients loss_and_gradients(const VlmModel& model, const VlmInput& input,
                                    const std::vector<std::int64_t>& labels, const PrefillOptions& options) {
  validate_labels(model.config(), labels, input.input_ids.size());
  const std::int64_t counted = counted_targets(shifted_targets(labels, options.segments));
  if (counted == 0) throw InputError("labels count no position (every shifted label is -100)");
  LossAndGradients out;
  out.gradients = zero_gradients(model.tensors());
  const CrossEntropy ce = add_prompt_gradients(model, input, labels, static_cast<double>(counted), &out.gradients,
                                               options);
  out.loss = ce.loss_sum / static_cast<double>(counted);
  out.label_tokens = counted;
  out.correct = ce.correct;
  return out;
}

}  // namespace hopelab
