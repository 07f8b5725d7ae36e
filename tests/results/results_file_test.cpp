// The hopelab results file (experiments/results/results_file.h): round trips of every attribute
// and dataset type, version and filetype refusals, atomic writes, merges of shards.
#include "results/results_file.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "results/merge_results.h"
#include "theory/input_error.h"

namespace hopelab::results {
namespace {

namespace fs = std::filesystem;

// A fresh empty directory per test, removed afterwards.
class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("hopelab_results_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

Provenance sample_provenance() {
  Provenance p;
  p.hopelab_version = "0.1.0";
  p.git_commit = "0123456789abcdef0123456789abcdef01234567";
  p.git_dirty = true;
  p.created_utc = "2026-11-22T09:30:00Z";
  p.host = "node-7";
  p.backend = "cpu-omp";
  p.device = "Some CPU @ 2.0GHz";
  p.instruction_set = "native: -march=native (sse2 avx2 fma)";
  p.seed = 18446744073709551615ULL;  // 2^64 - 1: the full uint64 range survives
  p.spec_name = "sweep";
  p.spec_text = "name = \"sweep\"\nseed = 1\n[grid]\nd = [64, 128]\n";
  p.units_total = 4;
  p.shard = "all";
  return p;
}

// Unit k of a 4-unit run: every attribute type (some with units), every dataset kind, empty ones,
// rank-0 ones, and (unit 0) datasets large enough to be compressed.
RunRecord sample_record(std::int64_t k) {
  RunRecord r;
  r.unit_index = k;
  r.group = "/runs/unit_" + std::to_string(k);
  const double kd = static_cast<double>(k);
  // Not in name order: the file keeps creation order.
  r.attributes = {{"zeta", std::int64_t{-5} - k},
                  {"base", 10000.5 + kd, "1"},
                  {"method", std::string("mrope-\xc3\xa9 (UTF-8)")},
                  {"offsets", std::vector<double>{0.5 * kd, -0.0, std::numeric_limits<double>::infinity()}, "token"},
                  {"layout", std::vector<std::int64_t>{k, std::numeric_limits<std::int64_t>::min(), 3}},
                  {"no_numbers", std::vector<double>{}},
                  {"no_integers", std::vector<std::int64_t>{}},
                  {"tiny", 5e-324, "rad/position"},
                  {"empty_text", std::string()}};
  Dataset mean{"mean", "1", {3, 4}, {}, {}, {}, "mean preference", DatasetKind::automatic};
  for (int i = 0; i < 12; ++i) mean.numbers.push_back(0.25 * i + kd);
  mean.numbers[5] = std::nan("");
  Dataset counts{"counts", "samples", {5}, {}, {0, 1, -4, 9, std::numeric_limits<std::int64_t>::max()}, {}, "", {}};
  Dataset labels{"labels", "", {3}, {}, {}, {"a", "b" + std::to_string(k), "\xc3\xbc"}, "row labels", {}};
  Dataset no_numbers{"no_numbers", "s", {0}, {}, {}, {}, "", DatasetKind::numbers};
  Dataset no_integers{"no_integers", "1", {0, 3}, {}, {}, {}, "", DatasetKind::integers};
  Dataset no_strings{"no_strings", "1", {0}, {}, {}, {}, "", DatasetKind::strings};
  Dataset one_number{"one_number", "token", {}, {-1.5 - kd}, {}, {}, "rank 0", {}};
  Dataset one_integer{"one_integer", "1", {}, {}, {k - 7}, {}, "rank 0", {}};
  r.datasets = {mean, counts, labels, no_numbers, no_integers, no_strings, one_number, one_integer};
  if (k == 0) {
    Dataset big{"big", "s", {100, 300}, {}, {}, {}, "compressed numbers", {}};
    for (int i = 0; i < 30000; ++i) big.numbers.push_back((i % 977) * 0.125 - 3.0);
    Dataset big_integers{"big_integers", "1", {20000}, {}, {}, {}, "compressed integers", {}};
    for (std::int64_t i = 0; i < 20000; ++i) big_integers.integers.push_back(3 * i - 7);
    r.datasets.push_back(big);
    r.datasets.push_back(big_integers);
  }
  return r;
}

std::vector<RunRecord> sample_records(const std::vector<std::int64_t>& units) {
  std::vector<RunRecord> out;
  for (std::int64_t k : units) out.push_back(sample_record(k));
  return out;
}

// Runs `body` and expects an InputError whose message contains every one of `parts`.
template <class Body>
void expect_input_error(Body body, const std::vector<std::string>& parts) {
  try {
    body();
    ADD_FAILURE() << "no InputError; expected one mentioning '" << parts.front() << "'";
  } catch (const InputError& e) {
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message '" << e.what() << "' lacks '" << part << "'";
    }
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "message is not one line: " << e.what();
  }
}

// Replaces root attribute `name` of `file` (through the HDF5 API, as a foreign tool would).
void replace_root_attribute(const std::string& file, const char* name, hid_t type, const std::vector<hsize_t>& dims,
                            const void* data) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  if (H5Aexists(f, name) > 0) H5Adelete(f, name);
  if (data != nullptr) {
    const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims.data(), nullptr);
    hid_t file_type = type;
    if (type == H5T_C_S1) {
      file_type = H5Tcopy(H5T_C_S1);
      H5Tset_size(file_type, H5T_VARIABLE);
    }
    const hid_t attribute = H5Acreate2(f, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(H5Awrite(attribute, file_type, data), 0);
    H5Aclose(attribute);
    H5Sclose(space);
    if (file_type != type) H5Tclose(file_type);
  }
  H5Fclose(f);
}

TEST_F(ResultsFileTest, RoundTripsEveryAttributeAndDatasetType) {
  const Provenance p = sample_provenance();
  const std::vector<RunRecord> records = sample_records({0, 1, 2, 3});
  write_results_file(path("r.h5"), p, records, false);
  const ResultsFile back = read_results_file(path("r.h5"));

  EXPECT_EQ(back.format_version, std::vector<std::int64_t>(kFormatVersion.begin(), kFormatVersion.end()));
  EXPECT_EQ(back.provenance.created_utc, p.created_utc);
  EXPECT_EQ(back.provenance.seed, p.seed);
  EXPECT_EQ(back.provenance.spec_text, p.spec_text);
  ASSERT_EQ(back.records.size(), records.size());
  for (size_t k = 0; k < records.size(); ++k) {
    const RunRecord& want = records[k];
    const RunRecord& got = back.records[k];
    EXPECT_EQ(got.unit_index, want.unit_index);
    EXPECT_EQ(got.group, want.group);
    ASSERT_EQ(got.attributes.size(), want.attributes.size()) << want.group;
    for (size_t a = 0; a < want.attributes.size(); ++a) {
      EXPECT_TRUE(got.attributes[a] == want.attributes[a]) << want.group << " attribute " << want.attributes[a].name
                                                           << " read back as " << got.attributes[a].name;
    }
    ASSERT_EQ(got.datasets.size(), want.datasets.size()) << want.group;
    for (size_t d = 0; d < want.datasets.size(); ++d) {
      EXPECT_TRUE(got.datasets[d] == want.datasets[d]) << want.group << " dataset " << want.datasets[d].name;
      EXPECT_EQ(got.datasets[d].kind, resolved_kind(want.datasets[d])) << want.datasets[d].name;
    }
  }
  ResultsFile expected{back.format_version, p, records};
  EXPECT_TRUE(same_content(back, expected));
  expected.provenance.created_utc = "another time";
  EXPECT_TRUE(same_content(back, expected)) << "created_utc must not count";
  expected.provenance.host = "another host";
  EXPECT_FALSE(same_content(back, expected)) << "a twin that differs in host must not compare equal";
}

TEST_F(ResultsFileTest, StoresSingleNumbersAsScalarsAndUnitsAsOneList) {
  write_results_file(path("r.h5"), sample_provenance(), sample_records({1}), false);
  const hid_t f = H5Fopen(path("r.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t set = H5Dopen2(f, "/runs/unit_1/one_number", H5P_DEFAULT);
  const hid_t space = H5Dget_space(set);
  EXPECT_EQ(H5Sget_simple_extent_type(space), H5S_SCALAR);
  H5Sclose(space);
  H5Dclose(set);
  const hid_t units = H5Aopen_by_name(f, "/runs/unit_1", kAttributeUnits, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(units, 0);
  const hid_t type = H5Aget_type(units), unit_space = H5Aget_space(units);
  hsize_t count = 0;
  EXPECT_EQ(H5Sget_simple_extent_ndims(unit_space), 1);
  H5Sget_simple_extent_dims(unit_space, &count, nullptr);
  EXPECT_EQ(count, 3u) << "base, offsets and tiny have units";
  EXPECT_TRUE(H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0 && H5Tget_cset(type) == H5T_CSET_UTF8);
  std::vector<char*> entries(count);
  EXPECT_GE(H5Aread(units, type, entries.data()), 0);
  EXPECT_STREQ(entries[0], "base=1");
  EXPECT_STREQ(entries[1], "offsets=token");
  EXPECT_STREQ(entries[2], "tiny=rad/position");
  for (char* e : entries) H5free_memory(e);
  H5Sclose(unit_space);
  H5Tclose(type);
  H5Aclose(units);
  H5Fclose(f);

  RunRecord string_scalar = sample_record(0);
  string_scalar.datasets.push_back(Dataset{"word", "", {}, {}, {}, {"x"}, "", DatasetKind::strings});
  expect_input_error([&] { write_results_file(path("s.h5"), sample_provenance(), {string_scalar}, false); },
                     {"word", "1-D"});
  RunRecord equals = sample_record(0);
  equals.attributes.push_back({"a=b", 1.0, "1"});
  expect_input_error([&] { write_results_file(path("s.h5"), sample_provenance(), {equals}, false); },
                     {"a=b", "'='"});
  RunRecord reserved = sample_record(0);
  reserved.attributes.push_back({kAttributeUnits, std::string("x")});
  expect_input_error([&] { write_results_file(path("s.h5"), sample_provenance(), {reserved}, false); }, {"reserved"});
}

// Replaces the attribute_units list of /runs/unit_0 with `entries`.
void replace_units(const std::string& file, const std::vector<const char*>& entries) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t group = H5Gopen2(f, "/runs/unit_0", H5P_DEFAULT);
  H5Adelete(group, kAttributeUnits);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  const hsize_t n = entries.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t attribute = H5Acreate2(group, kAttributeUnits, type, space, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(H5Awrite(attribute, type, entries.data()), 0);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
  H5Gclose(group);
  H5Fclose(f);
}

TEST_F(ResultsFileTest, RefusesAttributeUnitsThatNameNoAttribute) {
  const std::string file = path("r.h5");
  write_results_file(file, sample_provenance(), sample_records({0}), false);
  for (const char* entry : {"nosuch=1", "base", "base="}) {  // no such attribute, no '=', no unit
    replace_units(file, {entry});
    expect_input_error([&] { read_results_file(file); }, {file, std::string("entry '") + entry + "'"});
  }
  replace_units(file, {"base=1", "base=s"});
  expect_input_error([&] { read_results_file(file); }, {file, "entry 'base=s'"});
  replace_units(file, {"zeta=1/s"});  // the twin: a good entry reads
  const ResultsFile back = read_results_file(file);
  EXPECT_EQ(back.records[0].attributes[0].unit, "1/s");
  EXPECT_EQ(back.records[0].attributes[1].unit, "") << "an attribute the list does not name has no unit";
}

TEST_F(ResultsFileTest, ReadsFilesOfFormat10) {
  const std::string file = path("r.h5");
  std::vector<RunRecord> records = sample_records({0});
  for (Attribute& a : records[0].attributes) a.unit.clear();       // 1.0: no attribute_units
  for (Dataset& d : records[0].datasets) {
    if (d.shape.empty()) d.shape = {1};                            // 1.0: single numbers (1,)
  }
  write_results_file(file, sample_provenance(), records, false);
  const std::int64_t old[2] = {1, 0};
  replace_root_attribute(file, "format_version", H5T_NATIVE_INT64, {2}, old);
  const ResultsFile back = read_results_file(file);
  EXPECT_EQ(back.format_version, (std::vector<std::int64_t>{1, 0}));
  EXPECT_TRUE(legacy_form(back.format_version));
  EXPECT_FALSE(legacy_form({kFormatVersion.begin(), kFormatVersion.end()}));
  EXPECT_TRUE(back.records[0] == records[0]);
  // merge and resume bring records of 1.0 and 1.1 (no units of computed attributes) to this form
  EXPECT_TRUE(older_form(back.format_version));
  EXPECT_TRUE(older_form({1, 1}));
  EXPECT_FALSE(legacy_form({1, 1}));
  EXPECT_FALSE(older_form({kFormatVersion.begin(), kFormatVersion.end()}));
  EXPECT_FALSE(older_form({kFormatVersion[0] + 1, 0}));
}

TEST_F(ResultsFileTest, CompressesLargeNumericDatasetsOnly) {
  write_results_file(path("r.h5"), sample_provenance(), sample_records({0}), false);
  const hid_t f = H5Fopen(path("r.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const char* name : {"/runs/unit_0/big", "/runs/unit_0/big_integers", "/runs/unit_0/mean"}) {
    const hid_t set = H5Dopen2(f, name, H5P_DEFAULT);
    const hid_t plist = H5Dget_create_plist(set);
    const bool large = std::string(name).find("big") != std::string::npos;
    EXPECT_EQ(H5Pget_layout(plist) == H5D_CHUNKED, large) << name;
    EXPECT_EQ(H5Pget_nfilters(plist), large ? 2 : 0) << name << ": shuffle and deflate";
    if (large) {
      unsigned flags = 0, level = 0;
      size_t n = 1;
      EXPECT_EQ(H5Pget_filter2(plist, 0, &flags, &n, &level, 0, nullptr, nullptr), H5Z_FILTER_SHUFFLE) << name;
      n = 1;
      EXPECT_EQ(H5Pget_filter2(plist, 1, &flags, &n, &level, 0, nullptr, nullptr), H5Z_FILTER_DEFLATE) << name;
      EXPECT_GE(level, 4u);
      EXPECT_LE(level, 6u);
    }
    H5Pclose(plist);
    H5Dclose(set);
  }
  H5Fclose(f);
}

TEST_F(ResultsFileTest, ReturnsRecordsInUnitOrder) {
  write_results_file(path("r.h5"), sample_provenance(), sample_records({2, 0, 3, 1}), false);
  const ResultsFile back = read_results_file(path("r.h5"));
  ASSERT_EQ(back.records.size(), 4u);
  for (std::int64_t k = 0; k < 4; ++k) EXPECT_EQ(back.records[static_cast<size_t>(k)].unit_index, k);
}

TEST_F(ResultsFileTest, RefusesWrongFiletypeAndVersion) {
  const std::string file = path("r.h5");
  write_results_file(file, sample_provenance(), sample_records({1}), false);
  const std::int64_t major_up[2] = {kFormatVersion[0] + 1, 0};
  replace_root_attribute(file, "format_version", H5T_NATIVE_INT64, {2}, major_up);
  expect_input_error([&] { read_results_file(file); }, {file, "format version 2.0", "reads 1.x"});
  const std::int64_t minor_up[2] = {kFormatVersion[0], kFormatVersion[1] + 1};
  replace_root_attribute(file, "format_version", H5T_NATIVE_INT64, {2}, minor_up);
  const std::string ours = std::to_string(kFormatVersion[0]) + "." + std::to_string(kFormatVersion[1]);
  expect_input_error([&] { read_results_file(file); }, {file, ours, "newer"});
  const std::int64_t three[3] = {1, 0, 0};
  replace_root_attribute(file, "format_version", H5T_NATIVE_INT64, {3}, three);
  expect_input_error([&] { read_results_file(file); }, {file, "malformed format_version"});
  replace_root_attribute(file, "format_version", H5T_NATIVE_INT64, {2}, kFormatVersion.data());
  EXPECT_EQ(read_results_file(file).records.size(), 1u);  // restored: readable again

  const char* other = "openmc-statepoint";
  replace_root_attribute(file, "filetype", H5T_C_S1, {}, &other);
  expect_input_error([&] { read_results_file(file); }, {file, "not a hopelab results file", "openmc-statepoint"});
  replace_root_attribute(file, "filetype", H5T_C_S1, {}, nullptr);
  expect_input_error([&] { read_results_file(file); }, {file, "no filetype attribute"});

  std::FILE* text = std::fopen(path("text.h5").c_str(), "w");
  std::fputs("not hdf5\n", text);
  std::fclose(text);
  expect_input_error([&] { read_results_file(path("text.h5")); }, {"text.h5", "not an HDF5 file"});
  expect_input_error([&] { read_results_file(path("missing.h5")); }, {"missing.h5", "does not exist"});
}

TEST_F(ResultsFileTest, LeavesNoTemporaryBehind) {
  write_results_file(path("r.h5"), sample_provenance(), sample_records({0, 1}), false);
  EXPECT_EQ(entries(), std::vector<std::string>{"r.h5"});

  // Missing directory: refused before anything is created.
  expect_input_error([&] { write_results_file(path("no/such/r.h5"), sample_provenance(), sample_records({0}), false); },
                     {"no/such", "does not exist"});
  // A failure inside HDF5, after the root and a first group were written (rank 33 > H5S_MAX_RANK).
  std::vector<RunRecord> records = sample_records({0, 1});
  Dataset deep{"deep", "1", std::vector<std::int64_t>(33, 1), {1.0}, {}, {}, "", {}};
  records[1].datasets.push_back(deep);
  expect_input_error([&] { write_results_file(path("bad.h5"), sample_provenance(), records, false); },
                     {"cannot write results file", "bad.h5", "deep"});
  EXPECT_EQ(entries(), std::vector<std::string>{"r.h5"}) << "the failed write left a file behind";
}

TEST_F(ResultsFileTest, RefusesAnExistingFileWithoutOverwrite) {
  const std::string file = path("r.h5");
  write_results_file(file, sample_provenance(), sample_records({0}), false);
  expect_input_error([&] { write_results_file(file, sample_provenance(), sample_records({1}), false); },
                     {file, "already exists"});
  EXPECT_EQ(read_results_file(file).records.at(0).unit_index, 0);
  write_results_file(file, sample_provenance(), sample_records({1}), true);
  EXPECT_EQ(read_results_file(file).records.at(0).unit_index, 1);
  EXPECT_EQ(entries(), std::vector<std::string>{"r.h5"});
}

TEST_F(ResultsFileTest, RefusesRecordsThatCannotBeWritten) {
  const Provenance p = sample_provenance();
  auto refused = [&](std::vector<RunRecord> records, const std::string& part) {
    expect_input_error([&] { write_results_file(path("r.h5"), p, records, false); }, {part});
    EXPECT_TRUE(entries().empty());
  };
  std::vector<RunRecord> records = sample_records({0, 1});
  records[1].group = "/runs/unit_0";
  refused(records, "appears twice");
  records = sample_records({0});
  records[0].group = "unit_0";
  refused(records, "is not /runs/<name>");
  refused(sample_records({4}), "outside 0..3");
  records = sample_records({0, 1});
  records[1].unit_index = 0;
  refused(records, "unit_index 0 appears twice");
  records = sample_records({0});
  records[0].attributes.push_back({"unit_index", std::int64_t{3}});
  refused(records, "reserved");
  records = sample_records({0});
  records[0].datasets[0].shape = {5, 4};
  refused(records, "shape has 20");
}

TEST_F(ResultsFileTest, MergeOfShardsEqualsTheWholeRun) {
  Provenance whole = sample_provenance();
  write_results_file(path("whole.h5"), whole, sample_records({0, 1, 2, 3}), false);
  Provenance shard = whole;
  shard.shard = "1/2";
  write_results_file(path("s1.h5"), shard, sample_records({1, 3}), false);
  shard.shard = "0/2";
  shard.created_utc = "2026-11-23T00:00:00Z";
  write_results_file(path("s0.h5"), shard, sample_records({0, 2}), false);

  const ResultsFile merged = merge_results_files({path("s1.h5"), path("s0.h5")}, path("all.h5"), false);
  EXPECT_EQ(merged.provenance.shard, "all");
  const ResultsFile back = read_results_file(path("all.h5"));
  EXPECT_TRUE(same_content(back, read_results_file(path("whole.h5"))));
  EXPECT_TRUE(same_content(back, merged));
  EXPECT_NE(back.provenance.created_utc, whole.created_utc);

  // Merging a shard with itself and the whole is fine (identical duplicate units).
  const ResultsFile again = merge_results_files({path("s0.h5"), path("whole.h5"), path("s0.h5")}, path("all.h5"), true);
  EXPECT_EQ(again.records.size(), 4u);
  // One shard alone is partial.
  EXPECT_EQ(merge_results_files({path("s0.h5")}, path("half.h5"), false).provenance.shard, "partial (2 of 4 units)");
  // An existing output is refused without overwrite.
  expect_input_error([&] { merge_results_files({path("s0.h5")}, path("half.h5"), false); }, {"already exists"});
}

TEST_F(ResultsFileTest, MergeRecordsMixedProvenance) {
  Provenance a = sample_provenance();
  Provenance b = a;
  b.host = "node-8";
  b.git_dirty = false;
  a.git_dirty = false;
  const ResultsFile merged = merge_results({{"a.h5", {{1, 0}, a, sample_records({0})}},
                                            {"b.h5", {{1, 0}, b, sample_records({1})}}},
                                           "now");
  EXPECT_EQ(merged.provenance.host, "mixed");
  EXPECT_EQ(merged.provenance.backend, a.backend);
  EXPECT_FALSE(merged.provenance.git_dirty);
  EXPECT_EQ(merged.provenance.created_utc, "now");
  EXPECT_EQ(merged.provenance.shard, "partial (2 of 4 units)");
}

TEST_F(ResultsFileTest, MergeRefusesFilesOfDifferentRuns) {
  const Provenance p = sample_provenance();
  const auto input = [&](const std::string& name, Provenance q, std::vector<RunRecord> records) {
    return NamedResults{name, {{1, 0}, std::move(q), std::move(records)}};
  };
  const auto refused = [&](Provenance q, std::vector<RunRecord> records, const std::vector<std::string>& parts) {
    expect_input_error(
        [&] { merge_results({input("a.h5", p, sample_records({0})), input("b.h5", q, records)}, "now"); }, parts);
  };
  Provenance q = p;
  q.seed = 7;
  refused(q, sample_records({1}), {"'b.h5'", "seed 7", "'a.h5'"});
  q = p;
  q.spec_text += "# edited\n";
  refused(q, sample_records({1}), {"'b.h5'", "spec_text"});
  q = p;
  q.spec_name = "other";
  refused(q, sample_records({1}), {"'b.h5'", "spec_name 'other'"});
  q = p;
  q.units_total = 5;
  refused(q, sample_records({1}), {"'b.h5'", "units_total 5"});
  q = p;
  q.rng = "mt19937";
  refused(q, sample_records({1}), {"'b.h5'", "rng"});
  std::vector<RunRecord> changed = sample_records({0});
  changed[0].datasets[0].numbers[0] += 1.0;
  refused(p, changed, {"'b.h5'", "unit 0", "differs", "'a.h5'"});
  changed = sample_records({1});
  changed[0].group = "/runs/unit_0";
  refused(p, changed, {"'b.h5'", "group '/runs/unit_0'", "unit 1"});
  refused(p, sample_records({4}), {"'b.h5'", "outside 0..3"});
  expect_input_error(
      [&] {
        merge_results({input("a.h5", p, {}), NamedResults{"c.h5", {{2, 0}, p, {}}}}, "now");
      },
      {"'c.h5'", "format major 2"});
  expect_input_error([&] { merge_results({}, "now"); }, {"at least one"});
  expect_input_error([&] { merge_results_files({path("missing.h5")}, path("out.h5"), false); },
                     {"missing.h5", "does not exist"});
  EXPECT_FALSE(fs::exists(path("out.h5")));
}

}  // namespace
}  // namespace hopelab::results
