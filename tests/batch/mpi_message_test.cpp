// The messages of a distributed run (batch/mpi_message.h): a record with every attribute type
// (with units) and every dataset kind (rank 0 too) comes back equal bit for bit (NaN, -0, empty lists and datasets
// included); numbers, integers and texts in sequence; a message cut short, declaring more
// elements than it holds, or with bytes left over is refused. Each refusal has an accepted twin.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "batch/mpi_message.h"

namespace hopelab::batch::mpi {
namespace {

results::RunRecord sample_record() {
  results::RunRecord r;
  r.unit_index = 41;
  r.group = "/runs/mc__method-mrope";
  r.attributes = {{"unit", std::string("mc/method=mrope")},
                  {"seed", std::int64_t{-7}, "1"},
                  {"base", 1e6, "1"},
                  {"nan", std::numeric_limits<double>::quiet_NaN()},
                  {"negative_zero", -0.0},
                  {"offsets", std::vector<double>{0.5, -2.25, 1e-300}},
                  {"empty", std::vector<double>{}},
                  {"layout", std::vector<std::int64_t>{3, -1, 1LL << 62}},
                  {std::string("text\nwith\0byte", 14), std::string("caf\xc3\xa9\0x", 7)}};
  results::Dataset numbers{"mean", "1", {2, 3}, {1, 2, 3, 4, 5, std::nextafter(6.0, 7.0)}, {}, {}, "means",
                           results::DatasetKind::numbers};
  results::Dataset integers{"verdict", "1", {4}, {}, {1, 0, -1, 7}, {}, "", results::DatasetKind::integers};
  results::Dataset strings{"id", "", {2}, {}, {}, {"a", ""}, "ids", results::DatasetKind::strings};
  results::Dataset empty{"none", "s", {0}, {}, {}, {}, "", results::DatasetKind::integers};
  results::Dataset one{"first", "token", {}, {}, {40}, {}, "rank 0", results::DatasetKind::integers};
  r.datasets = {numbers, integers, strings, empty, one};
  return r;
}

TEST(MpiMessage, RecordsComeBackBitForBit) {
  const results::RunRecord r = sample_record();
  const std::string bytes = MessageWriter().integer(5).record(r).number(-0.0).bytes();
  MessageReader in(bytes);
  EXPECT_EQ(in.integer(), 5);
  const results::RunRecord back = in.record();
  EXPECT_TRUE(back == r);  // operator== compares doubles bit for bit (NaN equal to itself, -0 not 0)
  const double z = in.number();
  EXPECT_TRUE(z == 0.0 && std::signbit(z));
  EXPECT_NO_THROW(in.finish());
  // The twin: a record differing in one bit of one value is not equal.
  results::RunRecord changed = r;
  changed.datasets[0].numbers[5] = 6.0;
  EXPECT_FALSE(MessageReader(MessageWriter().record(changed).bytes()).record() == r);
  changed = r;  // and one differing in an attribute's unit
  changed.attributes[2].unit = "token";
  EXPECT_FALSE(MessageReader(MessageWriter().record(changed).bytes()).record() == r);
}

TEST(MpiMessage, SequencesOfValues) {
  const std::vector<double> many(100000, 0.25);
  const std::string bytes = MessageWriter().text("").text("spec").numbers(many).integers({1, 2}).bytes();
  MessageReader in(bytes);
  EXPECT_EQ(in.text(), "");
  EXPECT_EQ(in.text(), "spec");
  EXPECT_EQ(in.numbers(), many);
  EXPECT_EQ(in.integers(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_NO_THROW(in.finish());
}

TEST(MpiMessage, RefusesShortLongAndOverlongMessages) {
  const std::string whole = MessageWriter().record(sample_record()).bytes();
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{8}, whole.size() / 2, whole.size() - 1}) {
    const std::string part = whole.substr(0, cut);
    EXPECT_THROW(MessageReader(part).record(), std::runtime_error) << "cut at " << cut;
  }
  EXPECT_NO_THROW(MessageReader(whole).record());
  // A length beyond the bytes held is refused before anything is allocated.
  std::string lying = MessageWriter().integer(std::numeric_limits<std::int64_t>::max()).bytes();
  EXPECT_THROW(MessageReader(lying).numbers(), std::runtime_error);
  lying = MessageWriter().integer(-1).bytes();
  EXPECT_THROW(MessageReader(lying).text(), std::runtime_error);
  // Bytes left over.
  const std::string extra = MessageWriter().integer(1).integer(2).bytes();
  MessageReader in(extra);
  in.integer();
  EXPECT_THROW(in.finish(), std::runtime_error);
  in.integer();
  EXPECT_NO_THROW(in.finish());
}

}  // namespace
}  // namespace hopelab::batch::mpi
