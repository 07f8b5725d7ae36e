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

double partial_rotary_base(double base, int head_dim, int rotary_dim) {
  validate(Spectrum{head_dim, base});
  if (rotary_dim <= 0 || rotary_dim % 2 != 0 || rotary_dim > head_dim) {
    throw InputError("rotary dim r must be a positive even number <= d = " + std::to_string(head_dim) + ", got " +
                     std::to_string(rotary_dim));
  }
  const double effective = std::pow(base, static_cast<double>(head_dim) / rotary_dim);
  if (!std::isfinite(effective)) {
    throw InputError("a partial rotary of r = " + std::to_string(rotary_dim) + " of d = " + std::to_string(head_dim) +
                     " dimensions at base " + format_number(base) + " needs base^(d/r), which overflows a double; " +
                     "rotate more dimensions or lower the base");
  }
  return effective;
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
