#include "theory/spectrum.h"

#include <string>

#include "theory/input_error.h"
#include "theory/text_format.h"

namespace hopelab {

void validate(const Spectrum& spectrum) {
  if (spectrum.head_dim <= 0 || spectrum.head_dim % 2 != 0) {
    throw InputError("head dim must be a positive even number, got " +
                     std::to_string(spectrum.head_dim));
  }
  if (!(spectrum.base > 1.0) || !std::isfinite(spectrum.base)) {
    throw InputError("base must be a finite number > 1, got " + format_number(spectrum.base));
  }
}

std::vector<double> rope_frequencies(const Spectrum& spectrum) {
  validate(spectrum);
  std::vector<double> theta(static_cast<size_t>(spectrum.pairs()));
  for (int i = 0; i < spectrum.pairs(); ++i) {
    theta[static_cast<size_t>(i)] = rope_frequency(i, spectrum.head_dim, spectrum.base);
  }
  return theta;
}

}  // namespace hopelab
