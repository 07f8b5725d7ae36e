#pragma once
// Whether parse_spec_text accepts a spec's text, as gtest assertions that print the spec and the
// error when they fail: refused(text, needle) holds when it throws InputError containing needle.

#include <gtest/gtest.h>

#include <string>

#include "batch/spec.h"
#include "theory/input_error.h"

namespace hopelab::batch {

inline ::testing::AssertionResult refused(const std::string& text, const std::string& needle) {
  try {
    parse_spec_text(text, "t.toml");
  } catch (const InputError& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected an error containing \"" << needle << "\", actual: " << e.what()
                                         << "\nspec:\n" << text;
  }
  return ::testing::AssertionFailure() << "expected an error containing \"" << needle << "\", actual: accepted\nspec:\n"
                                       << text;
}

inline ::testing::AssertionResult accepted(const std::string& text) {
  try {
    parse_spec_text(text, "t.toml");
  } catch (const InputError& e) {
    return ::testing::AssertionFailure() << "expected: accepted, actual: " << e.what() << "\nspec:\n" << text;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace hopelab::batch
