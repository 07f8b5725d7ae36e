#pragma once
// InputError: a bad value given by the user (a flag, a layout, a spec). The CLI reports it
// as one line naming the value and exits with status 2; it is never a crash.

#include <stdexcept>
#include <string>

namespace hopelab {

class InputError : public std::invalid_argument {
 public:
  explicit InputError(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace hopelab
