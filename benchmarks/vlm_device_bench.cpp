// vlm_device_bench: the VLM's host model and its device backend side by side in one run, on a
// text prompt of L tokens with a preset's random weights (no files, few dependencies, so the CUDA
// build runs on a bare GPU machine). Per length: medians of --repeats prefills (last-token
// logits) and of --decode-steps cached decode steps on each backend, their ratio, and the largest
// |logit| difference between the backends' prefills against its bound (below). Built twice:
// vlm_device_bench (the CPU build of the backend, Thrust OpenMP) and vlm_device_bench_cuda
// (CUDA, cuBLAS).
//
//   vlm_device_bench [--preset tiny|base100m] [--tokens 1024,8192] [--repeats 3]
//                    [--decode-steps 16] [--method mrope] [--skip-host] [--perturb-host-logits R] [--json]
// --perturb-host-logits scales the host's logits by 1 + R before the comparison: a twin that
// must fail once R max|logit| exceeds the bound. Bad arguments: one line on stderr, exit 2. A
// difference above the bound: one line on stderr naming the worst logit, exit 1, after the
// results.
//
// The bound. Both backends compute the same logits in float32 along the same stages; only the
// order of the sums inside a GEMM and the attention's fold differ. Each stage's sums of n
// products err by at most n u sum |terms| (Higham 3.1, u = 2^-24), so each backend is within
// logit_tolerance (sim/vlm/logit_tolerance.h: 4 u times the sum of the stages' n along
// the longest path, times max |logit|) of the exact logits, and the two agree to twice that. The
// text prompt has no vision stages; counting them (as logit_tolerance does) only loosens it.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_timing.h"
#include "sim/vlm/logit_tolerance.h"
#include "sim/vlm/device/device_model.h"
#include "sim/vlm/presets.h"
#include "sim/vlm/random_weights.h"
#include "sim/vlm/vlm_model.h"
#include "theory/input_error.h"

namespace {

using hopelab::cli::median;
using hopelab::cli::timed;

struct Args {
  std::string preset = "tiny";
  std::vector<std::int64_t> tokens{1024, 8192};
  int repeats = 3;
  int decode_steps = 16;
  std::string method = "mrope";
  double perturb_host_logits = 0.0;  // R: host logits x (1 + R) before the comparison
  bool skip_host = false;
  bool json = false;
};

std::int64_t parse_count(const std::string& text, const std::string& flag, std::int64_t lo, std::int64_t hi) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < lo || value > hi) {
    throw hopelab::InputError(flag + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                              "], got '" + text + "'");
  }
  return value;
}

double parse_fraction(const std::string& text, const std::string& flag) {
  std::size_t used = 0;
  double value = NAN;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !(std::fabs(value) <= 1.0)) {
    throw hopelab::InputError(flag + " must be a number in [-1, 1], got '" + text + "'");
  }
  return value;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--skip-host") { a.skip_host = true; continue; }
    if (flag == "--json") { a.json = true; continue; }
    if (i + 1 >= argc) throw hopelab::InputError("unknown option or missing value: '" + flag + "'");
    const std::string value = argv[++i];
    if (flag == "--preset") {
      a.preset = value;
    } else if (flag == "--method") {
      a.method = value;
    } else if (flag == "--perturb-host-logits") {
      a.perturb_host_logits = parse_fraction(value, flag);
    } else if (flag == "--repeats") {
      a.repeats = static_cast<int>(parse_count(value, flag, 1, 100));
    } else if (flag == "--decode-steps") {
      a.decode_steps = static_cast<int>(parse_count(value, flag, 1, 4096));
    } else if (flag == "--tokens") {
      a.tokens.clear();
      std::stringstream list(value);
      for (std::string item; std::getline(list, item, ',');) a.tokens.push_back(parse_count(item, flag, 1, 1 << 20));
    } else {
      throw hopelab::InputError("unknown option '" + flag + "'");
    }
  }
  return a;
}

struct Timing {
  double prefill = NAN, decode = NAN;  // medians: seconds per prefill, seconds per decode step
};

// Times prefill (last-token logits into *logits) and decode on one backend.
template <typename Model, typename Cache>
Timing time_backend(const Model& model, const hopelab::VlmInput& prompt, const Args& a, std::int64_t vocab,
                    std::vector<float>* logits) {
  hopelab::PrefillOptions options;
  options.last_row_only = true;
  std::vector<double> prefill, decode;
  Cache cache;
  for (int r = 0; r < a.repeats; ++r) prefill.push_back(timed([&] { *logits = model.prefill(prompt, &cache, options); }));
  for (int s = 0; s < a.decode_steps; ++s) decode.push_back(timed([&] { model.decode(s % (vocab - 6), &cache); }));
  return {median(prefill), median(decode)};
}

std::string number(double x) {
  std::ostringstream s;
  s.precision(4);
  s << x;
  return s.str();
}

// A JSON number, or null for NaN (a skipped host).
std::string json_number(double x) { return std::isnan(x) ? "null" : number(x); }

// The largest |host - device| over the logits and where it is.
struct Worst {
  double error = 0.0;
  std::size_t index = 0;
};

Worst worst_difference(const std::vector<float>& host, const std::vector<float>& device) {
  Worst w;
  for (std::size_t i = 0; i < host.size(); ++i) {
    const double err = std::fabs(static_cast<double>(host[i]) - static_cast<double>(device[i]));
    if (!(err <= w.error)) w = {err, i};  // NaN counts as worst
  }
  return w;
}

double max_abs(const std::vector<float>& v) {
  double m = 0.0;
  for (float x : v) m = std::fmax(m, std::fabs(static_cast<double>(x)));
  return m;
}

int run(const Args& a) {
  const hopelab::VlmConfig config = hopelab::vlm_preset(a.preset);
  const hopelab::VlmModel host(config, hopelab::random_weights(config, 0), hopelab::VlmRotary{a.method, {}});
  const hopelab::DeviceVlmModel device(host);
  int status = 0;
  if (!a.json) {
    std::cout << "preset " << a.preset << ", " << host.method().name << ", device backend "
              << hopelab::backend_name() << ", medians of " << a.repeats << " prefills and "
              << a.decode_steps << " decode steps\n"
              << "tokens  host prefill s  device prefill s  prefill ratio  host decode s  device decode s  "
                 "decode ratio  max |dlogit| (bound)\n";
  }
  std::string rows;
  for (std::int64_t length : a.tokens) {
    hopelab::VlmInput prompt;
    for (std::int64_t i = 0; i < length; ++i) prompt.input_ids.push_back(i % (config.vocab_size - 6));
    std::vector<float> host_logits, device_logits;
    const Timing d = time_backend<hopelab::DeviceVlmModel, hopelab::DeviceKvCache>(device, prompt, a, config.vocab_size,
                                                                                  &device_logits);
    Timing h;
    double diff = NAN, tolerance = NAN;
    if (!a.skip_host) {
      h = time_backend<hopelab::VlmModel, hopelab::KvCache>(host, prompt, a, config.vocab_size, &host_logits);
      for (float& logit : host_logits) logit *= static_cast<float>(1.0 + a.perturb_host_logits);
      const Worst worst = worst_difference(host_logits, device_logits);
      diff = worst.error;
      tolerance = 2.0 * hopelab::logit_tolerance(config, 0, length, max_abs(host_logits));  // see the header
      if (!(diff <= tolerance)) {
        std::ostringstream s;
        s.precision(9);
        s << "vlm_device_bench: " << length << " tokens: the device's last-token logits differ from the host's: "
          << "worst index " << worst.index << ": host " << host_logits[worst.index]
          << ", device " << device_logits[worst.index] << ", |error| " << diff << " exceeds the tolerance "
          << tolerance << "\n";
        std::cerr << s.str();
        status = 1;
      }
    }
    if (a.json) {
      rows += std::string(rows.empty() ? "" : ",") + "{\"tokens\":" + std::to_string(length) +
              ",\"host_prefill_seconds\":" + json_number(h.prefill) +
              ",\"device_prefill_seconds\":" + json_number(d.prefill) + ",\"host_decode_seconds\":" +
              json_number(h.decode) + ",\"device_decode_seconds\":" + json_number(d.decode) +
              ",\"max_abs_logit_difference\":" + json_number(diff) + ",\"logit_tolerance\":" +
              json_number(tolerance) + ",\"within_tolerance\":" +
              (a.skip_host ? "null" : diff <= tolerance ? "true" : "false") + "}";
    } else {
      std::cout << length << "  " << number(h.prefill) << "  " << number(d.prefill) << "  " << number(h.prefill / d.prefill)
                << "  " << number(h.decode) << "  " << number(d.decode) << "  " << number(h.decode / d.decode) << "  "
                << number(diff) << " (bound " << number(tolerance) << ")\n";
    }
  }
  if (a.json) {
    const std::string out = "{\"benchmark\":\"vlm-device\",\"backend\":\"" + std::string(hopelab::backend_name()) +
                      "\",\"preset\":\"" + a.preset + "\",\"method\":\"" + host.method().name +
                      "\",\"repeats\":" + std::to_string(a.repeats) + ",\"decode_steps\":" +
                      std::to_string(a.decode_steps) + ",\"statistic\":\"median\",\"rows\":[" + rows + "]}";
    std::cout << out << '\n';
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse_args(argc, argv);
    if (!hopelab::backend_device_available()) {
      std::cerr << "vlm_device_bench: no device for backend " << hopelab::backend_name() << "\n";
      return 2;
    }
    return run(args);
  } catch (const hopelab::InputError& e) {
    std::cerr << "vlm_device_bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vlm_device_bench: " << e.what() << "\n";
    return 1;
  }
}
