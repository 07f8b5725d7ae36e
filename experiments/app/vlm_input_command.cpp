// `hopelab vlm input`: a random one-video prompt (vlm/synthetic_input.h) for a model, written as
// input.safetensors with the generating options in its __metadata__.

#include <iostream>
#include <memory>

#include "command_json.h"
#include "output/output_file.h"
#include "theory/input_error.h"
#include "theory/text_parse.h"
#include "vlm/config_json.h"
#include "vlm/input_file.h"
#include "vlm/synthetic_input.h"
#include "vlm_commands.h"
#include "unsigned_option.h"

namespace hopelab::cli {

namespace {

struct InputArgs {
  std::string model, output;
  SyntheticPrompt prompt;
  std::vector<std::string> repeats;
  bool force = false;
  bool json = false;
};

// "3:0" -> (3, 0).
std::pair<std::int64_t, std::int64_t> parse_repeat(const std::string& text) {
  const std::vector<std::string> parts = split(text, ':');
  if (parts.size() != 2) throw InputError("--repeat-frame '" + text + "' is not SRC:DST");
  return {parse_nonnegative_integer(parts[0], "--repeat-frame source frame"),
          parse_nonnegative_integer(parts[1], "--repeat-frame destination frame")};
}

}  // namespace

void add_vlm_input_command(CLI::App& vlm) {
  auto args = std::make_shared<InputArgs>();
  SyntheticPrompt& p = args->prompt;
  CLI::App* cmd = vlm.add_subcommand("input", "write a random one-video prompt (input.safetensors)");
  cmd->add_option("--model", args->model, "checkpoint directory (its config.json is read)")->required();
  cmd->add_option("-o,--output", args->output, "input file to write")->required();
  cmd->add_option("--seed", p.seed, "Philox key of text ids and pixels (default 0)")->check(decimal_unsigned());
  cmd->add_option("--text-before", p.text_before, "text tokens before the video (default 4)");
  cmd->add_option("--frames", p.frames, "temporal patches of the video (default 2)");
  cmd->add_option("--grid-height", p.grid_height, "LLM grid rows of the video (default 2)");
  cmd->add_option("--grid-width", p.grid_width, "LLM grid columns of the video (default 2)");
  cmd->add_option("--text-after", p.text_after, "text tokens after the video (default 4)");
  cmd->add_option("--repeat-frame", args->repeats, "SRC:DST: copy temporal patch SRC's pixels onto DST (repeatable)");
  cmd->add_flag("--force", args->force, "overwrite an existing output file");
  cmd->add_flag("--json", args->json, "print one JSON object: settings, what was written, provenance");
  cmd->callback([args, cmd] {
    output::check_destination(args->output, args->force, "output");
    SyntheticPrompt prompt = args->prompt;
    std::string repeats;
    for (const std::string& r : args->repeats) {
      prompt.repeat_frames.push_back(parse_repeat(r));
      repeats += (repeats.empty() ? "" : " ") + r;
    }
    const VlmConfig config = read_config_json(args->model + "/config.json");
    const VlmInput input = synthetic_video_prompt(config, prompt);
    const std::map<std::string, std::string> metadata = {{"format", "hopelab-vlm-input"},
                                                         {"model", args->model},
                                                         {"seed", std::to_string(prompt.seed)},
                                                         {"text_before", std::to_string(prompt.text_before)},
                                                         {"frames", std::to_string(prompt.frames)},
                                                         {"grid_height", std::to_string(prompt.grid_height)},
                                                         {"grid_width", std::to_string(prompt.grid_width)},
                                                         {"text_after", std::to_string(prompt.text_after)},
                                                         {"repeat_frame", repeats}};
    write_input_file(args->output, input, metadata);
    const VisualGrid& g = input.video_grid_thw[0];
    if (args->json) {
      std::cout << json_line(command_json(*cmd, {{"output", args->output},
                                                 {"tokens", input.input_ids.size()},
                                                 {"video_grid_thw", {g.t, g.h, g.w}}}))
                << '\n';
      return;
    }
    std::cout << "wrote " << args->output << ": " << input.input_ids.size() << " tokens, video grid (" << g.t << ", "
              << g.h << ", " << g.w << ")\n";
  });
}

}  // namespace hopelab::cli
