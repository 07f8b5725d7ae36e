#pragma once
// The contents of the messages between the processes of a distributed run (batch/mpi_runner.h)
// as bytes: integers, numbers, texts, lists and whole RunRecords, written one after another.
// Every process runs the same build, so values travel in the machine's own representation
// (doubles bit for bit: NaN, -0 and every last bit survive); strings and lists carry their
// lengths. A reader refuses a message that ends early or has bytes left over (std::runtime_error).

#include <cstdint>
#include <string>
#include <vector>

#include "results/run_record.h"

namespace hopelab::batch::mpi {

class MessageWriter {
 public:
  MessageWriter& integer(std::int64_t value);
  MessageWriter& number(double value);
  MessageWriter& text(const std::string& value);
  MessageWriter& numbers(const std::vector<double>& values);
  MessageWriter& integers(const std::vector<std::int64_t>& values);
  MessageWriter& record(const results::RunRecord& record);
  const std::string& bytes() const { return bytes_; }

 private:
  void raw(const void* data, std::size_t size);
  std::string bytes_;
};

class MessageReader {
 public:
  explicit MessageReader(const std::string& bytes) : bytes_(bytes) {}
  std::int64_t integer();
  double number();
  std::string text();
  std::vector<double> numbers();
  std::vector<std::int64_t> integers();
  results::RunRecord record();
  // Throws unless every byte was read.
  void finish() const;

 private:
  void raw(void* data, std::size_t size);
  std::size_t count(std::size_t element_size);  // a length, checked against the bytes left
  const std::string& bytes_;
  std::size_t at_ = 0;
};

}  // namespace hopelab::batch::mpi
