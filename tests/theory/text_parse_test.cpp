// theory/text_parse.h's decimal integers: parse_nonnegative_integer and parse_length (its k and M
// suffixes) read the digits by one rule, 1 to 18 decimal digits and nothing else. Each accepted
// text has a refused twin one character away, and each refusal names the value as given.
// Expected values are written out (2^10, 2^20, 2^43), not computed by the code under test.

#include "theory/text_parse.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "theory/input_error.h"

namespace hopelab {
namespace {

::testing::AssertionResult refused_with(void (*parse)(const std::string&), const std::string& text,
                                        const std::string& message) {
  try {
    parse(text);
  } catch (const InputError& e) {
    if (std::string(e.what()) == message) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << text << "': expected \"" << message << "\", actual \"" << e.what()
                                         << "\"";
  }
  return ::testing::AssertionFailure() << "'" << text << "': expected \"" << message << "\", actual: accepted";
}

void integer(const std::string& text) { parse_nonnegative_integer(text, "n"); }
void length(const std::string& text) { parse_length(text, "n"); }

TEST(TextParse, NonnegativeIntegerDigitsOnly) {
  EXPECT_EQ(parse_nonnegative_integer("42", "n"), 42);
  EXPECT_EQ(parse_nonnegative_integer(" 7\t", "n"), 7);  // blanks around the digits are trimmed
  EXPECT_EQ(parse_nonnegative_integer("0", "n"), 0);
  EXPECT_EQ(parse_nonnegative_integer("999999999999999999", "n"), 999999999999999999);  // 18 digits
  for (const char* bad : {"", " ", "-1", "+1", "0x10", "1e3", "3.0", "4 2", "42k"}) {
    EXPECT_TRUE(refused_with(integer, bad, std::string("n must be a non-negative integer, got '") + bad + "'"));
  }
  EXPECT_TRUE(refused_with(integer, "1000000000000000000", "n is too large: '1000000000000000000' (at most 18 digits)"));
}

TEST(TextParse, LengthSuffixesOverTheSameDigits) {
  EXPECT_EQ(parse_length("3", "n"), 3);
  EXPECT_EQ(parse_length("1k", "n"), 1024);
  EXPECT_EQ(parse_length("2K", "n"), 2048);
  EXPECT_EQ(parse_length("4M", "n"), 4194304);
  EXPECT_EQ(parse_length("1m", "n"), 1048576);
  EXPECT_EQ(parse_length(" 2k ", "n"), 2048);  // the text is trimmed, then the suffix taken
  // (2^43 - 1) * 2^20 = 2^63 - 2^20 fits an int64; 2^43 * 2^20 = 2^63 does not.
  EXPECT_EQ(parse_length("8796093022207M", "n"), INT64_C(9223372036853727232));
  EXPECT_TRUE(refused_with(length, "8796093022208M", "n is too large: '8796093022208M'"));
  for (const char* bad : {"", "k", "M", "-1k", "+1k", "1.5k", "0x10k", "2 k", "2kk", "2kM", "1e3"}) {
    EXPECT_TRUE(refused_with(length, bad,
                             std::string("n must be a non-negative integer with optional suffix k or M, got '") + bad +
                                 "'"));
  }
  EXPECT_TRUE(refused_with(length, "1000000000000000000k", "n is too large: '1000000000000000000k' (at most 18 digits)"));
}

}  // namespace
}  // namespace hopelab
