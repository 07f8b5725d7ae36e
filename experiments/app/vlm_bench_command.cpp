// `hopelab bench vlm`: prefill and decode throughput of the VLM on a text prompt of L tokens, for a
// preset with random weights (no files). Prefill: medians over --repeats runs of a whole prompt
// (logits of the last token only); decode: the median time of one KV-cached step after it.
// benchmarks/bench_vlm.py runs it beside the NumPy reference (tests/ref/vlm_reference.py time).

#include <iostream>
#include <memory>

#include "allocator_tuning.h"
#include "backend_option.h"
#include "command_json.h"
#include "bench_timing.h"
#include "output/cli_output.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "sim/vlm/vlm_runner.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"
#include "vlm_commands.h"
#include "cli_method_options.h"

namespace hopelab::cli {

namespace {

struct BenchArgs {
  std::string preset = "tiny";
  std::string tokens = "1024,8192,32768";
  int decode_steps = 16;
  int repeats = 3;
  VlmMethodArgs method;
  bool json = false;
  std::string backend = "auto";
};

}  // namespace

void add_vlm_bench_command(CLI::App& bench) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = bench.add_subcommand("vlm", "VLM prefill and decode tokens per second on a text prompt");
  cmd->add_option("--preset", args->preset, "tiny, needle or base100m (random weights)")->capture_default_str();
  cmd->add_option("--tokens", args->tokens, "prompt lengths, comma-separated")->capture_default_str();
  cmd->add_option("--decode-steps", args->decode_steps, "cached decode steps timed after each prefill")
      ->capture_default_str();
  cmd->add_option("--repeats", args->repeats, "timed prefills per length (the median is reported)")->capture_default_str();
  cmd->add_flag("--json", args->json, "print one JSON object");
  add_vlm_method_options(*cmd, args->method);
  add_backend_option(*cmd, args->backend);
  cmd->callback([args, cmd] {
    reuse_freed_memory();  // each prefill frees and allocates some 45 MB of activations at 8k
    if (args->repeats < 1 || args->repeats > 100) throw InputError("--repeats must be 1..100, got " + std::to_string(args->repeats));
    if (args->decode_steps < 1 || args->decode_steps > 4096) {
      throw InputError("--decode-steps must be 1..4096, got " + std::to_string(args->decode_steps));
    }
    std::vector<std::int64_t> lengths;
    for (const std::string& t : split(args->tokens, ',')) {
      const std::int64_t n = parse_nonnegative_integer(t, "--tokens");
      if (n < 1 || n > (std::int64_t{1} << 20)) throw InputError("--tokens entries must be 1..2^20, got " + t);
      lengths.push_back(n);
    }
    const Engines& backend = use_backend_flag(args->backend);
    const VlmConfig config = vlm_preset(args->preset);
    const VlmModel model(config, random_weights(config, 0), build_vlm_rotary(args->method));
    const std::unique_ptr<VlmRunner> runner = backend.vlm_runner(model);
    Json rows = Json::array();
    Table table({"tokens", "prefill s", "prefill tok/s", "decode s/token", "decode tok/s"});
    for (std::int64_t length : lengths) {
      VlmInput prompt;
      for (std::int64_t i = 0; i < length; ++i) prompt.input_ids.push_back(i % (config.vocab_size - 6));
      PrefillOptions options;
      options.last_row_only = true;
      std::vector<double> prefill, decode;
      for (int r = 0; r < args->repeats; ++r) {
        prefill.push_back(timed([&] { runner->prefill(prompt, options); }));
      }
      for (int s = 0; s < args->decode_steps; ++s) {
        decode.push_back(timed([&] { runner->decode(s % (config.vocab_size - 6)); }));
      }
      const double p = median(prefill), d = median(decode);
      rows.push_back(Json{{"tokens", length}, {"prefill_seconds", p}, {"prefill_tokens_per_second", static_cast<double>(length) / p},
                          {"decode_seconds_per_token", d}, {"decode_tokens_per_second", 1 / d}});
      table.add_row({std::to_string(length), compact_text(p), compact_text(static_cast<double>(length) / p), compact_text(d),
                     compact_text(1 / d)});
    }
    if (args->json) {
      std::cout << command_json(*cmd, {{"implementation", "hopelab"}, {"backend", backend.name}, {"preset", args->preset},
                                       {"method", model.method().name}, {"repeats", args->repeats},
                                       {"decode_steps", args->decode_steps}, {"statistic", "median"},
                                       {"rows", rows}})
                       .dump()
                << '\n';
      return;
    }
    std::cout << "backend " << backend.name << ", preset " << args->preset << ", " << model.method().name << ", medians of " << args->repeats
              << " prefills and " << args->decode_steps << " decode steps\n";
    table.print(std::cout);
  });
}

}  // namespace hopelab::cli
