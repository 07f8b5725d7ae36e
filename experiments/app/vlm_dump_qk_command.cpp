// `hopelab vlm dump-qk --model DIR --input FILE -o POOL.h5`: one head's query rows and its KV
// head's key rows at one decoder layer, before rotation (sim/train/qk_rows.h), with each row's
// position, as a results file whose 2-D datasets the Monte Carlo engines read as pools:
//   hopelab mc preference ... --dist empirical:POOL.h5:/runs/qk/queries:/runs/qk/keys
// Rows: the prompt's video tokens (default), its text tokens, or all of them.

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_method_options.h"
#include "command_json.h"
#include "output/output_file.h"
#include "results/results_file.h"
#include "sim/train/qk_rows.h"
#include "theory/input_error.h"
#include "vlm/checkpoint.h"
#include "vlm/input_file.h"
#include "vlm_commands.h"

namespace hopelab::cli {

namespace {

struct DumpArgs {
  std::string model, input, output, rows = "video";
  int layer = 0, head = 0;
  VlmMethodArgs method;
  bool force = false;
  bool json = false;
};

void run_dump(const DumpArgs& a, const CLI::App& cmd) {
  if (a.rows != "video" && a.rows != "text" && a.rows != "all") {
    throw InputError("--rows must be video, text or all, got '" + a.rows + "'");
  }
  Checkpoint checkpoint = load_checkpoint(a.model);
  const VlmConfig config = checkpoint.config;
  if (a.head < 0 || a.head >= config.num_attention_heads) {
    throw InputError("--head " + std::to_string(a.head) + " is outside [0, " +
                     std::to_string(config.num_attention_heads) + ")");
  }
  const VlmInput input = read_input_file(a.input, config);
  const VlmModel model(config, std::move(checkpoint.weights), build_vlm_rotary(a.method));
  if (a.layer < 0 || a.layer >= config.num_hidden_layers) {
    throw InputError("--layer " + std::to_string(a.layer) + " is outside [0, " +
                     std::to_string(config.num_hidden_layers) + ")");
  }
  output::check_destination(a.output, a.force, "results file");  // before the forward pass
  const QkRows qk = unrotated_qk(model, input);
  const std::vector<float>& layer_queries = qk.queries[static_cast<std::size_t>(a.layer)];
  const std::vector<float>& layer_keys = qk.keys[static_cast<std::size_t>(a.layer)];

  const int d = config.head_dim();
  const int kv_head = a.head / (config.num_attention_heads / config.num_key_value_heads);
  const std::int64_t q_width = static_cast<std::int64_t>(config.num_attention_heads) * d;
  const std::int64_t k_width = static_cast<std::int64_t>(config.num_key_value_heads) * d;
  std::vector<double> queries, keys, positions;
  std::vector<std::int64_t> tokens;
  for (std::int64_t r = 0; r < qk.rows; ++r) {
    const std::int64_t id = input.input_ids[static_cast<std::size_t>(r)];
    const bool visual = id == config.video_token_id || id == config.image_token_id;
    if ((a.rows == "video" && !visual) || (a.rows == "text" && visual)) continue;
    tokens.push_back(r);
    const float* q = layer_queries.data() + r * q_width + static_cast<std::int64_t>(a.head) * d;
    const float* k = layer_keys.data() + r * k_width + static_cast<std::int64_t>(kv_head) * d;
    queries.insert(queries.end(), q, q + d);
    keys.insert(keys.end(), k, k + d);
    const Position3 p = qk.positions.at(r);
    positions.insert(positions.end(), {p.t, p.h, p.w});
  }
  const auto n = static_cast<std::int64_t>(tokens.size());
  if (n < 2) throw InputError("the prompt has " + std::to_string(n) + " " + a.rows + " rows; a pool needs 2");

  results::RunRecord r;
  r.group = "/runs/qk";
  r.attributes = {{"unit", std::string("qk")}, {"run", std::string("qk")}, {"kind", std::string("vlm-dump-qk")},
                  {"model", a.model}, {"input", a.input}, {"method", model.method().name},
                  {"layer", static_cast<std::int64_t>(a.layer)}, {"head", static_cast<std::int64_t>(a.head)},
                  {"kv_head", static_cast<std::int64_t>(kv_head)}, {"rows", a.rows}};
  r.datasets.push_back({"queries", "1", {n, d}, queries, {}, {}, "query rows of the head before rotation, (n, d)",
                        results::DatasetKind::numbers});
  r.datasets.push_back({"keys", "1", {n, d}, keys, {}, {}, "key rows of its KV head before rotation, (n, d)",
                        results::DatasetKind::numbers});
  r.datasets.push_back({"positions", "position", {n, 3}, positions, {}, {}, "(t, h, w) of each row, (n, 3)",
                        results::DatasetKind::numbers});
  r.datasets.push_back({"token", "token", {n}, {}, tokens, {}, "each row's index in the prompt",
                        results::DatasetKind::integers});
  results::Provenance provenance = results::current_provenance();
  provenance.spec_name = "vlm-dump-qk";
  provenance.units_total = 1;
  results::write_results_file(a.output, provenance, {r}, a.force);
  if (a.json) {
    std::cout << json_line(command_json(cmd,
                                        {{"output", a.output}, {"rows_written", n}, {"head_dim", d},
                                         {"kv_head", kv_head}, {"method", model.method().name},
                                         {"queries", "/runs/qk/queries"}, {"keys", "/runs/qk/keys"}},
                                        provenance))
              << '\n';
    return;
  }
  std::cout << "wrote " << a.output << ": " << n << " " << a.rows << " rows of layer " << a.layer << ", head " << a.head
            << " (KV head " << kv_head << "), d = " << d << ", method " << model.method().name
            << "; pools /runs/qk/queries and /runs/qk/keys\n";
}

}  // namespace

void add_vlm_dump_qk_command(CLI::App& vlm) {
  auto a = std::make_shared<DumpArgs>();
  CLI::App* cmd = vlm.add_subcommand("dump-qk", "one head's query and key rows before rotation, as Monte Carlo pools");
  cmd->add_option("--model", a->model, "checkpoint directory")->required();
  cmd->add_option("--input", a->input, "input.safetensors")->required();
  cmd->add_option("-o,--output", a->output, "results file to write")->required();
  cmd->add_option("--layer", a->layer, "decoder layer")->capture_default_str();
  cmd->add_option("--head", a->head, "query head (its KV head gives the keys)")->capture_default_str();
  cmd->add_option("--rows", a->rows, "video, text or all tokens")->capture_default_str();
  cmd->add_flag("--force", a->force, "overwrite an existing output file");
  add_vlm_method_options(*cmd, a->method);
  cmd->add_flag("--json", a->json, "print one JSON object: settings, what was written, provenance");
  cmd->callback([a, cmd] { run_dump(*a, *cmd); });
}

}  // namespace hopelab::cli
