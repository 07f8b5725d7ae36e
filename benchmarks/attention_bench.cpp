// attention_bench: the host attention's two paths (sim/vlm/attention.h) on one causal GQA shape
// with random q, k, v: median seconds of --repeats calls each, and the rate of the scores' and
// weighted values' multiply-adds, 2 n_h d L (L + 1) / 2 for a causal prefill of L tokens (the
// work any exact attention does; the softmax is not counted).
//
//   attention_bench [--tokens 8192] [--heads 4] [--kv-heads 2] [--head-dim 32] [--repeats 5]
//                   [--path both|fused|blocked]
// Prints one line per path: path, seconds, FMA/s. Bad arguments: one line on stderr, exit 2.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_timing.h"
#include "sim/vlm/attention.h"

namespace {

struct Options {
  std::int64_t tokens = 8192;
  int heads = 4, kv_heads = 2, head_dim = 32, repeats = 5;
  std::string path = "both";
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "attention_bench: error: %s\n", message.c_str());
  std::exit(2);
}

long long integer_flag(const std::string& flag, const char* text, long long low, long long high) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < low || v > high) {
    fail(flag + " must be an integer in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  }
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) fail("unknown or incomplete argument " + flag);
    const char* value = argv[++i];
    if (flag == "--tokens") {
      o.tokens = integer_flag(flag, value, 1, 1 << 17);
    } else if (flag == "--heads") {
      o.heads = static_cast<int>(integer_flag(flag, value, 1, 256));
    } else if (flag == "--kv-heads") {
      o.kv_heads = static_cast<int>(integer_flag(flag, value, 1, 256));
    } else if (flag == "--head-dim") {
      o.head_dim = static_cast<int>(integer_flag(flag, value, 1, 512));
    } else if (flag == "--repeats") {
      o.repeats = static_cast<int>(integer_flag(flag, value, 1, 1000));
    } else if (flag == "--path") {
      o.path = value;
      if (o.path != "both" && o.path != "fused" && o.path != "blocked") fail("--path must be both, fused or blocked");
    } else {
      fail("unknown argument " + flag);
    }
  }
  if (o.heads % o.kv_heads != 0) fail("--kv-heads must divide --heads");
  if (o.path != "blocked" && !hopelab::fused_attention_fits(o.head_dim)) {
    fail("the fused path takes head dims 16, 32, 64 and 128, not " + std::to_string(o.head_dim));
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const std::int64_t d = o.head_dim, q_width = o.heads * d, kv_width = o.kv_heads * d;
  std::vector<float> q(static_cast<std::size_t>(o.tokens * q_width)), k(static_cast<std::size_t>(o.tokens * kv_width)),
      v(k.size()), out(q.size());
  std::uint64_t state = 1;
  const auto uniform = [&state] {  // in [-1, 1)
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(static_cast<double>(state >> 40) / 8388608.0 - 1.0);
  };
  for (float& x : q) x = 2.0f * uniform();
  for (float& x : k) x = 2.0f * uniform();
  for (float& x : v) x = uniform();
  hopelab::AttentionArgs a;
  a.q = q.data();
  a.q_stride = q_width;
  a.k = k.data();
  a.v = v.data();
  a.kv_stride = kv_width;
  a.queries = a.keys = o.tokens;
  a.mask = hopelab::AttentionMask::causal;
  a.out = out.data();
  a.out_stride = q_width;
  const hopelab::AttentionShape shape{o.heads, o.kv_heads, o.head_dim};
  const double fmas = 2.0 * o.heads * static_cast<double>(d) * static_cast<double>(o.tokens) *
                      static_cast<double>(o.tokens + 1) / 2.0;
  for (const std::string path : {"fused", "blocked"}) {
    if (o.path != "both" && o.path != path) continue;
    std::vector<double> seconds;
    for (int r = 0; r < o.repeats; ++r) {
      seconds.push_back(hopelab::cli::timed([&] {
        (path == "fused" ? hopelab::fused_attention : hopelab::blocked_attention)(shape, a);
      }));
    }
    const double s = hopelab::cli::median(seconds);
    std::printf("%-8s %10.5f s %12.4g FMA/s\n", path.c_str(), s, fmas / s);
  }
  return 0;
}
