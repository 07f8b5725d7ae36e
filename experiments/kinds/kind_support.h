#pragma once
// What a kind's .cpp needs to define itself (kinds/kind.h): KindOf<S> implements Kind and
// Settings for a settings struct S from visit_fields(S&, v), check(S, seed) and
// compute(S, seed, record), and optionally the attributes it computes, its Monte Carlo samples
// field, its work, its cost and its split by sample ranges (SplitOf<S>); numbers() and
// integers() build its datasets from their DatasetName, attribute() its attributes from their
// AttributeName.
// Included by kinds/*.cpp only.

#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "kinds/kind.h"
#include "params/offsets.h"
#include "params/sampling.h"
#include "params/vlm_method.h"
#include "theory/input_error.h"

namespace hopelab::kinds {

// Whether a settings struct holds a method (member `method`: params::MethodParams or
// VlmMethodParams) or offsets (member `offsets`: params::OffsetParams), or has fields of its own
// that only some settings read (a function own_field_uses(const S&) beside S returning their
// params::FieldUse rows, and a member `given`: params::GivenFields), whose rules of options that
// do not apply Settings::fields_not_applying and Settings::mark_given follow.
template <class S, class = void>
struct HasMethod : std::false_type {};
template <class S>
struct HasMethod<S, std::void_t<decltype(std::declval<const S&>().method)>> : std::true_type {};
template <class S, class = void>
struct HasOffsets : std::false_type {};
template <class S>
struct HasOffsets<S, std::void_t<decltype(std::declval<const S&>().offsets)>> : std::true_type {};
// ... or a sampling law (member `sampling`: params::SamplingParams), whose sigma, mu and
// variances do not apply beside the empirical law (Settings::mark_given).
template <class S, class = void>
struct HasSampling : std::false_type {};
template <class S>
struct HasSampling<S, std::void_t<decltype(std::declval<const S&>().sampling)>> : std::true_type {};

template <class S, class = void>
struct HasOwnFieldUses : std::false_type {};
template <class S>
struct HasOwnFieldUses<S, std::void_t<decltype(own_field_uses(std::declval<const S&>()))>> : std::true_type {};

template <class S>
class KindOf;

template <class S>
class SettingsOf final : public Settings {
 public:
  SettingsOf(const KindOf<S>& kind, S s) : kind_(kind), s_(std::move(s)) {}
  const Kind& kind() const override { return kind_; }
  std::unique_ptr<Settings> clone() const override { return std::make_unique<SettingsOf>(kind_, s_); }
  void visit(FieldVisitor& v) override {
    visit_fields(s_, [&](const Field& f, auto& member) { v.field(f, member); });
  }
  std::vector<std::string> fields_not_applying() const override {
    std::vector<std::string> out;
    if constexpr (HasMethod<S>::value) out = params::fields_not_applying(s_.method);
    if constexpr (HasOffsets<S>::value) {
      for (std::string& name : params::fields_not_applying(s_.offsets)) out.push_back(std::move(name));
    }
    if constexpr (HasOwnFieldUses<S>::value) {
      for (std::string& name : params::not_applying(own_field_uses(s_))) out.push_back(std::move(name));
    }
    return out;
  }
  void mark_given(const params::GivenFields& given) override {
    if constexpr (HasMethod<S>::value) params::mark_given(s_.method, given);
    if constexpr (HasOffsets<S>::value) params::mark_given(s_.offsets, given);
    if constexpr (HasSampling<S>::value) params::mark_given(s_.sampling, given);
    if constexpr (HasOwnFieldUses<S>::value) s_.given = given;
  }
  void check(std::uint64_t seed) const override {
    params::check_ranges(s_);
    kind_.check(s_, seed);
  }
  void compute(std::uint64_t seed, results::RunRecord& r) const override { kind_.compute(s_, seed, r); }
  double work() const override { return kind_.work != nullptr ? kind_.work(s_) : 0.0; }
  double cost() const override {
    return kind_.cost != nullptr ? kind_.cost(s_) : kDefaultSecondsPerWork * work() + kDefaultUnitSeconds;
  }
  std::int64_t parts() const override { return kind_.split.parts != nullptr ? kind_.split.parts(s_) : 0; }
  std::vector<double> compute_parts(std::uint64_t seed, std::int64_t first, std::int64_t last) const override {
    if (kind_.split.parts == nullptr) throw std::logic_error(std::string(kind_.name()) + " does not split");
    return kind_.split.compute(s_, seed, first, last);
  }
  void compute_from_parts(std::uint64_t seed, const std::vector<double>& accumulators,
                          results::RunRecord& r) const override {
    if (kind_.split.parts == nullptr) throw std::logic_error(std::string(kind_.name()) + " does not split");
    kind_.split.finish(s_, seed, accumulators, r);
  }
  void scale_samples(std::int64_t factor) override {
    if (kind_.samples == nullptr || factor == 1) return;
    std::int64_t& samples = kind_.samples(s_);
    if (factor < 1 || samples > std::numeric_limits<std::int64_t>::max() / factor) {
      throw InputError("samples times samples_factor " + std::to_string(factor) + " overflows");
    }
    samples *= factor;
  }

 private:
  const KindOf<S>& kind_;
  S s_;
};

// A Monte Carlo kind's split by sample ranges (Settings::parts): the number of parts, the
// accumulators of parts [first, last), and the record from all of them in part order.
template <class S>
struct SplitOf {
  std::int64_t (*parts)(const S&) = nullptr;
  std::vector<double> (*compute)(const S&, std::uint64_t seed, std::int64_t first, std::int64_t last) = nullptr;
  void (*finish)(const S&, std::uint64_t seed, const std::vector<double>& accumulators, results::RunRecord&) = nullptr;
};

template <class S>
class KindOf final : public Kind {
 public:
  using Check = void (*)(const S&, std::uint64_t seed);
  using Compute = void (*)(const S&, std::uint64_t seed, results::RunRecord&);
  using Samples = std::int64_t& (*)(S&);
  using Work = double (*)(const S&);
  using Cost = double (*)(const S&);

  // `attributes`: those compute writes beside the settings (none when left out).
  KindOf(const char* name, const char* summary, std::vector<std::string> required, std::vector<DatasetName> datasets,
         std::vector<AttributeName> attributes, Check check_fn, Compute compute_fn, Samples samples_fn = nullptr,
         Work work_fn = nullptr, Cost cost_fn = nullptr, SplitOf<S> split_fns = {})
      : check(check_fn), compute(compute_fn), samples(samples_fn), work(work_fn), cost(cost_fn), split(split_fns),
        name_(name), summary_(summary), required_(std::move(required)), datasets_(std::move(datasets)),
        attributes_(std::move(attributes)) {}
  KindOf(const char* name, const char* summary, std::vector<std::string> required, std::vector<DatasetName> datasets,
         Check check_fn, Compute compute_fn, Samples samples_fn = nullptr, Work work_fn = nullptr,
         Cost cost_fn = nullptr, SplitOf<S> split_fns = {})
      : KindOf(name, summary, std::move(required), std::move(datasets), {}, check_fn, compute_fn, samples_fn, work_fn,
               cost_fn, split_fns) {}

  const char* name() const override { return name_; }
  const char* summary() const override { return summary_; }
  std::vector<std::string> required() const override { return required_; }
  const std::vector<DatasetName>& datasets() const override { return datasets_; }
  const std::vector<AttributeName>& attributes() const override { return attributes_; }
  std::unique_ptr<Settings> defaults() const override { return std::make_unique<SettingsOf<S>>(*this, S{}); }

  const Check check;
  const Compute compute;
  const Samples samples;  // the Monte Carlo budget's field, or nullptr
  const Work work;        // the unit's pair evaluations (params/work_limit.h), or nullptr
  const Cost cost;        // its estimated seconds (Settings::cost), or nullptr
  const SplitOf<S> split; // its split by sample ranges, or none

 private:
  const char* name_;
  const char* summary_;
  std::vector<std::string> required_;
  std::vector<DatasetName> datasets_;
  std::vector<AttributeName> attributes_;
};

// ---- datasets: float64 numbers and int64 integers, shape (n) unless given (row-major) --------
// A single number (DatasetName::scalar) is a rank-0 dataset: scalar_number, scalar_integer.

inline results::Dataset numbers(const DatasetName& d, std::vector<double> values, std::vector<std::int64_t> shape = {},
                                const char* unit = nullptr) {
  results::Dataset out{d.name, unit ? unit : d.unit, std::move(shape), std::move(values), {}, {}, d.description,
                       results::DatasetKind::numbers};
  if (out.shape.empty()) out.shape = {static_cast<std::int64_t>(out.numbers.size())};
  return out;
}

inline results::Dataset integers(const DatasetName& d, std::vector<std::int64_t> values, const char* unit = nullptr,
                                 std::vector<std::int64_t> shape = {}) {
  if (shape.empty()) shape = {static_cast<std::int64_t>(values.size())};
  return results::Dataset{d.name, unit ? unit : d.unit, std::move(shape), {}, std::move(values), {}, d.description,
                          results::DatasetKind::integers};
}

inline results::Dataset scalar_number(const DatasetName& d, double value, const char* unit = nullptr) {
  return results::Dataset{d.name, unit ? unit : d.unit, {}, {value}, {}, {}, d.description,
                          results::DatasetKind::numbers};
}

inline results::Dataset scalar_integer(const DatasetName& d, std::int64_t value, const char* unit = nullptr) {
  return results::Dataset{d.name, unit ? unit : d.unit, {}, {}, {value}, {}, d.description,
                          results::DatasetKind::integers};
}

// ---- attributes: a computed value with its declared unit ------------------------------------

inline results::Attribute attribute(const AttributeName& a, results::AttributeValue value) {
  return results::Attribute{a.name, std::move(value), a.unit};
}

}  // namespace hopelab::kinds
