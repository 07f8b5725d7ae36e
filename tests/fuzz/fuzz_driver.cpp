// Deterministic driver of a fuzz target (fuzz_target.h) for builds without libFuzzer: every
// corpus file (each must be accepted, unless its name starts with "refused_": refused, or
// "edited_": either), then MUTATIONS (600 unless given) mutations of each, besides every
// truncation of the first min(64, MUTATIONS) bytes and as many spread over the rest: length-field edits, bit flips,
// byte and digit replacements at positions from a fixed splitmix64 stream. A crash, a sanitizer
// report, or an exception other than InputError fails the test; so does a corpus file with the
// wrong outcome, or a run in which no mutation was refused (the mutations would then test nothing).
//   usage: fuzz_driver CORPUS_DIRECTORY [MUTATIONS]

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_target.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Counts {
  long accepted = 0, refused = 0, failures = 0;
};

std::uint64_t splitmix(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void run(const Bytes& input, const std::string& what, Counts* counts) {
  try {
    const hopelab::FuzzOutcome outcome = hopelab::fuzz_one_input(input.data(), input.size());
    (outcome == hopelab::FuzzOutcome::accepted ? counts->accepted : counts->refused) += 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL %s: escaped exception (not InputError): %s\n", what.c_str(), e.what());
    counts->failures += 1;
  }
}

void mutate(const Bytes& seed, const std::string& name, int mutations, std::uint64_t* state, Counts* counts) {
  const size_t n = seed.size();
  const size_t cuts = static_cast<size_t>(std::min(64, mutations));  // truncations: this many early, as many spread
  for (size_t cut = 0; cut < n; cut = cut < cuts ? cut + 1 : cut + std::max<size_t>(1, n / std::max<size_t>(1, cuts))) {
    run(Bytes(seed.begin(), seed.begin() + static_cast<std::ptrdiff_t>(cut)), name + " cut at " + std::to_string(cut),
        counts);
  }
  const long field = hopelab::fuzz_length_field(seed.data(), n);
  if (field >= 0 && static_cast<size_t>(field) + 8 <= n) {  // e.g. safetensors' 8-byte header length
    const size_t at = static_cast<size_t>(field);
    std::uint64_t header = 0;
    for (int i = 7; i >= 0; --i) header = (header << 8) | seed[at + static_cast<size_t>(i)];
    for (std::uint64_t length :
         {std::uint64_t{0}, std::uint64_t{1}, header - 1, header + 1, header + 8, std::uint64_t{n},
          std::uint64_t{1} << 32, (std::uint64_t{100} << 20) + 1, std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
      Bytes edited = seed;
      for (int i = 0; i < 8; ++i) edited[at + static_cast<size_t>(i)] = static_cast<std::uint8_t>(length >> (8 * i));
      run(edited, name + " header length " + std::to_string(length), counts);
    }
  }
  std::vector<size_t> digits;
  for (size_t i = 1; i < n; ++i)
    if (seed[i] >= '0' && seed[i] <= '9') digits.push_back(i);
  const std::uint8_t interesting[] = {'"', '{', '}', '[', ']', ',', ':', '-', '9', '.', 'e', 0x00, 0xff, 0x80};
  for (int k = 0; k < mutations && n > 1; ++k) {
    Bytes edited = seed;
    const std::uint64_t r = splitmix(state);
    const size_t at = 1 + r % (n - 1);
    std::string what;
    if (k % 3 == 0) {
      edited[at] ^= static_cast<std::uint8_t>(1u << ((r >> 32) % 8));
      what = "bit flip at " + std::to_string(at);
    } else if (k % 3 == 1) {
      edited[at] = interesting[(r >> 32) % sizeof interesting];
      what = "byte " + std::to_string(edited[at]) + " at " + std::to_string(at);
    } else if (!digits.empty()) {
      const size_t d = digits[(r >> 16) % digits.size()];
      edited[d] = static_cast<std::uint8_t>('0' + (r >> 40) % 10);
      if ((r >> 50) % 4 == 0) edited.insert(edited.begin() + static_cast<std::ptrdiff_t>(d), '9');  // a longer number
      what = "digit edit at " + std::to_string(d);
    }
    run(edited, name + " " + what, counts);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: fuzz_driver CORPUS_DIRECTORY [MUTATIONS]\n");
    return 2;
  }
  const int mutations = argc == 3 ? std::atoi(argv[2]) : 600;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  Counts counts;
  std::uint64_t state = 20240601;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const Bytes seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Counts original;
    const std::string name = path.filename().string();
    run(seed, name, &original);
    const bool refuse = name.rfind("refused_", 0) == 0, either = name.rfind("edited_", 0) == 0;
    if (original.failures == 0 && !either && original.accepted != (refuse ? 0 : 1)) {
      std::fprintf(stderr, "FAIL corpus file %s: %s, expected %s\n", path.c_str(),
                   original.accepted ? "accepted" : "refused", refuse ? "refused" : "accepted (it is a valid file)");
      counts.failures += 1;
    }
    counts.failures += original.failures;
    mutate(seed, name, mutations, &state, &counts);
  }
  std::printf("fuzz driver: %zu corpus files, %ld mutations accepted, %ld refused, %ld failures\n", files.size(),
              counts.accepted, counts.refused, counts.failures);
  if (files.empty() || counts.refused == 0) {
    std::fprintf(stderr, "FAIL no corpus or no mutation refused: expected both, the run tested nothing\n");
    return 1;
  }
  return counts.failures == 0 ? 0 : 1;
}
