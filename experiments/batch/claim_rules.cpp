#include "batch/claim_rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "kinds/base_bound.h"
#include "kinds/first_violation.h"
#include "kinds/mc_preference.h"
#include "kinds/preference.h"
#include "kinds/sign_flip.h"
#include "kinds/vlm_niah.h"
#include "output/cli_output.h"
#include "theory/base_bound.h"
#include "theory/binomial.h"

namespace hopelab::batch {

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (size_t k = 0; k < items.size(); ++k) text += (k ? separator : "") + items[k];
  return text;
}

namespace {

namespace mc_preference = kinds::mc_preference;
namespace base_bound_data = kinds::base_bound;
namespace first_violation = kinds::first_violation;
namespace preference = kinds::preference;
namespace sign_flip = kinds::sign_flip;
using results::RunRecord;

// ---- reading records ------------------------------------------------------------------------

// A dataset's values as doubles (numbers or integers); nullopt when absent.
std::optional<std::vector<double>> values(const RunRecord& r, const std::string& name) {
  if (results::find_dataset(r, name) == nullptr) return std::nullopt;
  return results::dataset_numbers(r, name);
}

using results::number_attribute;
using results::string_attribute;

std::string num(double v) { return cli::compact_text(v); }
// A fraction as a percentage to 3 significant digits ("27.6%").
std::string percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g%%", fraction * 100);
  return buffer;
}

Outcome not_available(const std::string& why) { return Outcome{std::nullopt, why, "-", {}, why}; }
Outcome failed(const std::string& why) { return Outcome{false, why, "-", {}, why}; }


// A unit's short label for per-unit lists: its sweep point ("vanilla", "gamma=0.5").
std::string label(const RunRecord& r) {
  const std::string unit = string_attribute(r, "unit");
  const size_t slash = unit.find('/');
  std::string point = slash == std::string::npos ? unit : unit.substr(slash + 1);
  for (size_t at; (at = point.find("method=")) != std::string::npos;) point.erase(at, 7);
  return point;
}

// Joins per-unit texts, or one text when they all agree.
std::string per_unit(const std::vector<std::pair<std::string, std::string>>& items) {
  bool same = true;
  for (const auto& item : items) same = same && item.second == items.front().second;
  if (same && !items.empty()) return items.front().second + (items.size() > 1 ? " (all " + std::to_string(items.size()) + ")" : "");
  std::vector<std::string> parts;
  for (const auto& [name, text] : items) parts.push_back(name.empty() ? text : name + ": " + text);
  return joined(parts, "; ");
}

// ---- the rules --------------------------------------------------------------------------------

// monte-carlo-agrees: every mc-preference verdict is 1 (|mean - closed form| <= Sidak z * SE over
// each unit's offsets at its family_level). Numbers: max |z|, the Sidak bound, their ratio, the
// smallest distance whose mean disagrees.
Outcome monte_carlo_agrees(const ClaimFields&, const RunRecords& runs) {
  std::size_t agree = 0, total = 0;
  double max_z = 0.0, z_bound = 0.0, lo = INFINITY, hi = -INFINITY, mc_lo = INFINITY, mc_hi = -INFINITY;
  double first_disagreement = NAN;
  for (const auto& run : runs) {
    for (const RunRecord* r : run) {
      const auto verdict = values(*r, mc_preference::kVerdict.name), z = values(*r, mc_preference::kZ.name),
                 theory = values(*r, mc_preference::kTheory.name), mean = values(*r, mc_preference::kMean.name);
      const auto distance = values(*r, mc_preference::kDistance.name);
      if (!verdict || !z || !theory || !mean) return not_available("unit " + string_attribute(*r, "unit") + " lacks datasets");
      z_bound = std::max(z_bound, number_attribute(*r, "z_bound", 0.0));
      for (size_t j = 0; j < verdict->size(); ++j) {
        ++total;
        agree += (*verdict)[j] == 1.0 ? 1 : 0;
        if ((*verdict)[j] != 1.0 && distance && j < distance->size() && !((*distance)[j] >= first_disagreement)) {
          first_disagreement = (*distance)[j];
        }
        max_z = std::max(max_z, std::fabs((*z)[j]));
        lo = std::min(lo, (*theory)[j]);
        hi = std::max(hi, (*theory)[j]);
        mc_lo = std::min(mc_lo, (*mean)[j]);
        mc_hi = std::max(mc_hi, (*mean)[j]);
      }
    }
  }
  Outcome o;
  o.holds = agree == total;
  o.computed = "2 sigma^2 B(m) in [" + num(lo) + ", " + num(hi) + "] at " + std::to_string(total) + " offsets";
  o.monte_carlo = "mean in [" + num(mc_lo) + ", " + num(mc_hi) + "], " + std::to_string(agree) + "/" +
                  std::to_string(total) + " within Sidak z (max |z| " + num(max_z) + " <= " + num(z_bound) + ")";
  o.numbers = {max_z, z_bound, z_bound > 0 ? max_z / z_bound : NAN, first_disagreement};
  o.why = "max |z| " + num(max_z) + " against the Sidak bound " + num(z_bound) + "; " +
          std::to_string(total - agree) + " of " + std::to_string(total) + " means outside it" +
          (std::isnan(first_disagreement) ? "" : ", the first at m = " + num(first_disagreement));
  return o;
}

bool within(double value, double expected, double tolerance) {
  return std::fabs(value - expected) <= tolerance * std::max(std::fabs(expected), 1.0);
}

// The element of a rule's datasets that is furthest from passing, and its unit's label.
struct Worst {
  double x = NAN, badness = -INFINITY;
  std::string unit;
};

// Whether `holds(x)` is true for every element x of `dataset` in every unit, with the
// "dataset = unit: values; ..." text of the outcome; n/a when a unit lacks the dataset. `worst`
// gets the element with the largest badness(x).
template <class Predicate, class Badness>
Outcome every_element(const ClaimFields& f, const RunRecords& runs, Predicate holds, Badness badness, Worst& worst) {
  Outcome o;
  o.holds = true;
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& run : runs) {
    for (const RunRecord* r : run) {
      const auto v = values(*r, f.dataset);
      if (!v || v->empty()) return not_available("unit " + string_attribute(*r, "unit") + " has no " + f.dataset);
      std::vector<std::string> texts;
      for (double x : *v) {
        o.holds = *o.holds && holds(x);
        texts.push_back(num(x));
        const double b = std::isnan(x) ? INFINITY : badness(x);
        if (b > worst.badness) worst = Worst{x, b, label(*r)};
      }
      items.emplace_back(label(*r), joined(texts, ","));
    }
  }
  o.computed = f.dataset + " = " + per_unit(items);
  return o;
}

// value-equals: every element of `dataset` in every unit equals `expected` within
// tolerance * max(|expected|, 1). Numbers: the element furthest from expected, expected, their
// ratio.
Outcome value_equals(const ClaimFields& f, const RunRecords& runs) {
  const double expected = *f.expected, scale = std::max(std::fabs(expected), 1.0);
  Worst worst;
  Outcome o = every_element(
      f, runs, [&](double x) { return within(x, expected, f.tolerance); },
      [&](double x) { return std::fabs(x - expected); }, worst);
  if (!o.holds.has_value()) return o;
  const std::string tolerance = f.tolerance > 0 ? " +- " + num(f.tolerance * 100) + "%" : "";
  o.computed += " (expected " + num(expected) + tolerance + ")";
  o.numbers = {worst.x, expected, expected != 0 ? worst.x / expected : NAN, NAN};
  o.why = f.dataset + " = " + num(worst.x) + " (" + worst.unit + "), expected " + num(expected) + tolerance +
          ": off by " + percent(std::fabs(worst.x - expected) / scale) + (*o.holds ? "" : " > " + percent(f.tolerance));
  return o;
}

// value-in-range: every element of `dataset` in every unit lies in [range[0], range[1]].
// Numbers: the element nearest to or furthest beyond an end, that end, their ratio.
Outcome value_in_range(const ClaimFields& f, const RunRecords& runs) {
  const double low = f.range[0], high = f.range[1];
  Worst worst;
  Outcome o = every_element(
      f, runs, [&](double x) { return x >= low && x <= high; }, [&](double x) { return std::max(low - x, x - high); },
      worst);
  if (!o.holds.has_value()) return o;
  const std::string range = "[" + num(low) + ", " + num(high) + "]";
  o.computed += " (range " + range + ")";
  const double end = worst.x < low || (worst.x <= high && worst.x - low < high - worst.x) ? low : high;
  o.numbers = {worst.x, end, end != 0 ? worst.x / end : NAN, NAN};
  o.why = f.dataset + " = " + num(worst.x) + " (" + worst.unit + ") " + (*o.holds ? "inside " : "outside ") + range;
  return o;
}

// increasing / decreasing: the first element of `dataset` of each unit, in the order of the runs
// and of each run's units, strictly increases / decreases. Numbers at the first break: the
// value, the one before it, their ratio.
Outcome monotone(const ClaimFields& f, const RunRecords& runs, bool increasing) {
  Outcome o;
  o.holds = true;
  std::vector<std::string> texts;
  std::optional<double> previous;
  std::string previous_label;
  for (const auto& run : runs) {
    for (const RunRecord* r : run) {
      const auto v = values(*r, f.dataset);
      if (!v || v->empty()) return not_available("unit " + string_attribute(*r, "unit") + " has no " + f.dataset);
      const double x = v->front();
      if (previous && *o.holds && !(increasing ? x > *previous : x < *previous)) {
        o.holds = false;
        o.numbers = {x, *previous, *previous != 0 ? x / *previous : NAN, NAN};
        o.why = f.dataset + (increasing ? " stops increasing at " : " stops decreasing at ") + label(*r) + ": " +
                num(x) + (increasing ? " <= " : " >= ") + num(*previous) + " (" + previous_label + ")";
      }
      previous = x;
      previous_label = label(*r);
      texts.push_back(label(*r) + ": " + num(x));
    }
  }
  o.computed = f.dataset + (increasing ? " increasing: " : " decreasing: ") + joined(texts, " -> ");
  if (*o.holds) o.why = o.computed;
  return o;
}

// bound-feasible: the paper's base `expected` satisfies B(m) >= 0 for every m of each unit's
// range (checked exactly at that base; feasibility is not monotone in b).
// bound-minimal: the exact minimal base b* equals `expected` within tolerance * expected.
// Numbers: the paper's base, b* (bound-minimal: the unit's furthest from it; bound-feasible: the
// first breaking unit's, else the largest), paper / b*, and the first m with B(m) < 0 at the
// paper's base.
Outcome base_bound(const ClaimFields& f, const RunRecords& runs, bool minimal) {
  const double paper = *f.expected;
  Outcome o;
  o.holds = true;
  std::vector<std::string> bases, feasible, infeasible;
  double lo = INFINITY, hi = 0.0, chosen = NAN, worst = -1.0, breaks = NAN;
  std::string chosen_range, breaks_range;
  for (const auto& run : runs) {
    for (const RunRecord* r : run) {
      const auto base = values(*r, base_bound_data::kBase.name);
      const auto max_distance = values(*r, base_bound_data::kMaxDistance.name);
      if (!base || !max_distance || base->empty()) return not_available("unit " + string_attribute(*r, "unit") + " has no base");
      const auto head_dim = static_cast<int>(number_attribute(*r, "head_dim", 128));
      const auto m = static_cast<std::int64_t>(max_distance->front());
      const double b = base->front();
      const std::string range = "m<=" + std::to_string(m);
      bases.push_back(num(b) + " (" + range + ")");
      lo = std::min(lo, paper / b);
      hi = std::max(hi, paper / b);
      if (minimal) {
        o.holds = *o.holds && within(b, paper, f.tolerance);
        if (std::fabs(b - paper) > worst) worst = std::fabs(b - paper), chosen = b, chosen_range = range;
      } else {
        const std::optional<std::int64_t> first = first_infeasible_distance(paper, head_dim, m);
        o.holds = *o.holds && !first;
        (first ? infeasible : feasible).push_back(range);
        if (first && !(static_cast<double>(*first) >= breaks)) {
          breaks = static_cast<double>(*first), breaks_range = range, chosen = b, chosen_range = range;
        }
        if (!first && std::isnan(breaks) && !(b <= chosen)) chosen = b, chosen_range = range;
      }
    }
  }
  o.computed = "b* " + joined(bases, ", ") + "; paper " + num(paper);
  o.numbers = {paper, chosen, paper / chosen, breaks};
  if (minimal) {
    o.computed += ", paper/b* " + num(lo) + (hi > lo ? ".." + num(hi) : "");
    o.why = "b* = " + num(chosen) + " (" + chosen_range + ") is " + percent(std::fabs(chosen - paper) / paper) +
            (chosen < paper ? " below " : " above ") + "the paper's " + num(paper) + " (paper/b* " +
            num(paper / chosen) + "); the rule allows " + percent(f.tolerance);
  } else if (infeasible.empty()) {
    o.computed += " feasible for every range";
    o.why = num(paper) + " keeps B(m) >= 0 for every range (b* up to " + num(chosen) + ")";
  } else {
    o.computed += " INFEASIBLE for " + joined(infeasible, ", ") +
                  (feasible.empty() ? "" : "; feasible for " + joined(feasible, ", "));
    o.why = num(paper) + " first breaks at m = " + num(breaks) + " <= " + breaks_range.substr(3) + " (B(m) < 0)" +
            (paper > chosen ? ", though above b* = " + num(chosen) : ", below b* = " + num(chosen)) +
            (feasible.empty() ? "" : "; feasible for " + joined(feasible, ", "));
  }
  return o;
}

// never-violated: no unit has a first violation (first_violation = -1: proven never, or none
// up to the unit's limit). violated-before: every unit's first violation is in [1, expected].
// Numbers: never-violated: the smallest first violation; violated-before: the largest (infinite
// when a unit has none), the bound, their ratio; both: the smallest first violation.
Outcome violation(const ClaimFields& f, const RunRecords& runs, bool never) {
  Outcome o;
  o.holds = true;
  std::vector<std::pair<std::string, std::string>> items;
  std::vector<std::string> bad;
  double smallest = NAN, largest = -INFINITY;
  std::string smallest_unit;
  std::size_t units = 0, violating = 0;
  for (const auto& run : runs) {
    for (const RunRecord* r : run) {
      const auto fv = values(*r, first_violation::kFirstViolation.name);
      const auto proven = values(*r, first_violation::kProvenNever.name);
      if (!fv || fv->empty()) return not_available("unit " + string_attribute(*r, "unit") + " has no first_violation");
      const double m = fv->front();
      const bool ok = never ? m < 0 : (m >= 1 && m <= *f.expected);
      o.holds = *o.holds && ok;
      const std::string text = m < 0 ? (proven && !proven->empty() && proven->front() == 1 ? "never (proven)"
                                                                                        : "none <= limit")
                                     : "m = " + num(m);
      items.emplace_back(label(*r), text);
      ++units;
      if (!ok) bad.push_back(label(*r) + (m < 0 ? " " + text : " at " + text));
      if (m >= 1) {
        ++violating;
        if (!(m >= smallest)) smallest = m, smallest_unit = label(*r);
      }
      largest = std::max(largest, m < 1 ? INFINITY : m);
    }
  }
  o.computed = per_unit(items) + (never ? "" : " (bound " + num(*f.expected) + ")");
  std::string counts = std::to_string(violating) + " of " + std::to_string(units) + " units violate";
  if (violating > 1 && std::isfinite(largest)) counts += ", the last at m = " + num(largest);
  if (never) {
    o.numbers = {smallest, NAN, NAN, smallest};
    o.why = *o.holds ? "no unit violates: " + o.computed
                     : smallest_unit + " first violates at m = " + num(smallest) + " (" + counts + ")";
  } else {
    o.numbers = {largest, *f.expected, largest / *f.expected, smallest};
    o.why = *o.holds ? "every unit violates by " + num(*f.expected) + ", the last at m = " + num(largest) +
                           (std::isnan(smallest) ? "" : ", the first at m = " + num(smallest))
                     : "not violated by " + num(*f.expected) + ": " + joined(bad, ", ") +
                           (std::isnan(smallest) ? "" : " (" + counts + ", the first " + smallest_unit +
                                                           " at m = " + num(smallest) + ")");
  }
  return o;
}

// dominates: runs = [a, b] of preference units paired in order; a's `dataset` (value, or one
// axis's column of by_axis) >= b's at every offset, up to 1e-12 * (|b| + 1) of rounding.
// Numbers: min(a - b), 0, -, the smallest distance where a < b.
Outcome dominates(const ClaimFields& f, const RunRecords& runs) {
  const std::string dataset = f.dataset.empty() ? "value" : f.dataset;
  const auto column = [&](const RunRecord& r) -> std::optional<std::vector<double>> {
    if (dataset == "value") return values(r, preference::kValue.name);
    const auto all = values(r, preference::kByAxis.name);
    if (!all) return std::nullopt;
    const size_t axis = dataset.back() == 't' ? 0 : dataset.back() == 'h' ? 1 : 2;
    std::vector<double> out;
    for (size_t j = axis; j < all->size(); j += 3) out.push_back((*all)[j]);
    return out;
  };
  if (runs[0].size() != runs[1].size()) {
    return failed("runs have " + std::to_string(runs[0].size()) + " and " + std::to_string(runs[1].size()) + " units");
  }
  Outcome o;
  o.holds = true;
  double least = INFINITY, a_min = INFINITY, b_min = INFINITY, first_below = NAN;
  std::size_t offsets = 0, below = 0;
  for (size_t k = 0; k < runs[0].size(); ++k) {
    const auto a = column(*runs[0][k]), b = column(*runs[1][k]);
    const auto distance = values(*runs[0][k], preference::kDistance.name);
    if (!a || !b) return not_available("no " + dataset);
    if (a->size() != b->size()) return failed("units have different offset counts");
    for (size_t j = 0; j < a->size(); ++j) {
      ++offsets;
      least = std::min(least, (*a)[j] - (*b)[j]);
      a_min = std::min(a_min, (*a)[j]);
      b_min = std::min(b_min, (*b)[j]);
      const bool ok = (*a)[j] >= (*b)[j] - 1e-12 * (std::fabs((*b)[j]) + 1.0);
      o.holds = *o.holds && ok;
      if (!ok) {
        ++below;
        if (distance && j < distance->size() && !((*distance)[j] >= first_below)) first_below = (*distance)[j];
      }
    }
  }
  o.computed = "min(" + f.runs[0] + " - " + f.runs[1] + ") " + num(least) + " over " + std::to_string(offsets) +
               " offsets (" + dataset + " min " + num(a_min) + " vs " + num(b_min) + ")";
  o.numbers = {least, 0.0, NAN, first_below};
  o.why = "min(" + f.runs[0] + " - " + f.runs[1] + ") = " + num(least) + " (" + dataset + "); " +
          std::to_string(below) + " of " + std::to_string(offsets) + " offsets below" +
          (std::isnan(first_below) ? "" : ", the first at m = " + num(first_below));
  return o;
}

// sign-flip-lemma (HoPE Lemma A.1): in each unit, P[cos(theta dt) < 0] is 0 for theta below
// pi / (2 (L - 1)); sorted by theta it never drops by more than `tolerance`; and for pairs with
// at least 50 periods in the range (theta (L - 1) >= 100 pi) it is within `tolerance` of 1/2.
// Numbers (of the first part that fails, else of the drop): the measured value, its bound, the
// ratio.
Outcome sign_flip_lemma(const ClaimFields& f, const RunRecords& runs) {
  int pairs = 0, below = 0, fast = 0;
  double below_max = 0.0, largest_drop = 0.0, far_from_half = 0.0;
  std::string drop_at;
  for (const auto& run : runs) {
    for (const RunRecord* r : run) {
      const auto theta = values(*r, sign_flip::kTheta.name), p = values(*r, sign_flip::kProbability.name), threshold = values(*r, sign_flip::kThreshold.name);
      if (!theta || !p || !threshold || threshold->empty()) return not_available("unit lacks sign-flip datasets");
      const double length = number_attribute(*r, "context_length", 0.0);
      std::vector<std::pair<double, double>> rows;
      for (size_t j = 0; j < theta->size(); ++j) rows.emplace_back((*theta)[j], (*p)[j]);
      std::sort(rows.begin(), rows.end());
      for (size_t j = 0; j < rows.size(); ++j) {
        ++pairs;
        if (rows[j].first < threshold->front()) {
          ++below;
          below_max = std::max(below_max, rows[j].second);
        }
        if (j > 0 && rows[j - 1].second - rows[j].second > largest_drop) {
          largest_drop = rows[j - 1].second - rows[j].second;
          drop_at = label(*r) + ": P " + num(rows[j - 1].second) + " at theta (L-1) = " +
                    num(rows[j - 1].first * (length - 1)) + " -> " + num(rows[j].second) + " at " +
                    num(rows[j].first * (length - 1));
        }
        if (rows[j].first * (length - 1) >= 100 * 3.14159265358979323846) {
          ++fast;
          far_from_half = std::max(far_from_half, std::fabs(rows[j].second - 0.5));
        }
      }
    }
  }
  const bool zero = below_max == 0.0, rising = largest_drop <= f.tolerance, half = far_from_half <= f.tolerance;
  Outcome o;
  o.holds = zero && rising && half;
  o.computed = std::to_string(pairs) + " pairs. P = 0 below pi/(2(L-1)): " + (zero ? "yes" : "NO") + " (" +
               std::to_string(below) + " pairs); non-decreasing in theta: " +
               (rising ? "yes" : "NO, largest drop " + num(largest_drop) + " (" + drop_at + ")") + "; -> 1/2: " +
               (half ? "yes" : "NO") + " (max |P - 1/2| " + num(far_from_half) + " over " + std::to_string(fast) +
               " pairs with >= 50 periods)";
  const double slack = f.tolerance;
  if (!zero) {
    o.numbers = {below_max, 0.0, NAN, NAN};
    o.why = "P reaches " + num(below_max) + " below pi/(2(L-1)), where the lemma says 0";
  } else if (!half && rising) {
    o.numbers = {far_from_half, slack, slack > 0 ? far_from_half / slack : NAN, NAN};
    o.why = "max |P - 1/2| = " + num(far_from_half) + " > slack " + num(slack) + " over pairs with >= 50 periods";
  } else {
    o.numbers = {largest_drop, slack, slack > 0 ? largest_drop / slack : NAN, NAN};
    o.why = "P falls by " + num(largest_drop) + (rising ? " <= " : " > ") + "slack " + num(slack) +
            (drop_at.empty() ? "" : " (" + drop_at + ")") + (half ? "" : "; max |P - 1/2| " + num(far_from_half));
  }
  return o;
}

// paired-better: runs = [a, b] of vlm-niah units paired by their seed (same seed: same task
// data); per seed d = a's `dataset` (beyond_accuracy by default) at evaluation i minus b's at
// evaluation j (eval_indices, default [0, 0]). Holds when the one-sided exact sign test over the
// non-zero d (a better) gives p <= level: with 5 seeds, only 5 of 5 (p = 1/32) pass at 0.05.
// Numbers: p, level, p / level.
Outcome paired_better(const ClaimFields& f, const RunRecords& runs) {
  const std::string dataset = f.dataset.empty() ? kinds::vlm_niah::kBeyondAccuracy.name : f.dataset;
  const std::size_t index[2] = {f.eval_indices.empty() ? 0 : static_cast<std::size_t>(f.eval_indices[0]),
                                f.eval_indices.empty() ? 0 : static_cast<std::size_t>(f.eval_indices[1])};
  std::map<std::int64_t, double> value[2];
  for (std::size_t side = 0; side < 2; ++side) {
    for (const RunRecord* r : runs[side]) {
      const auto seed = static_cast<std::int64_t>(number_attribute(*r, "seed", -1));
      const auto v = values(*r, dataset);
      if (!v || index[side] >= v->size()) {
        return not_available("unit " + string_attribute(*r, "unit") + " has no " + dataset + "[" +
                             std::to_string(index[side]) + "]");
      }
      if (!std::isfinite((*v)[index[side]])) {
        return not_available("unit " + string_attribute(*r, "unit") + "'s " + dataset + " is not a number");
      }
      if (!value[side].emplace(seed, (*v)[index[side]]).second) {
        return not_available("run " + f.runs[side] + " has two units of seed " + std::to_string(seed));
      }
    }
  }
  std::int64_t positive = 0, negative = 0;
  double sum = 0.0;
  std::vector<std::string> per_seed;
  for (const auto& [seed, a] : value[0]) {
    const auto b = value[1].find(seed);
    if (b == value[1].end()) continue;
    const double d = a - b->second;
    positive += d > 0 ? 1 : 0;
    negative += d < 0 ? 1 : 0;
    sum += d;
    per_seed.push_back((d > 0 ? "+" : "") + num(d));
  }
  if (per_seed.empty()) return not_available("no seed is in both runs");
  const double p = sign_test_greater_p(positive, positive + negative);
  const double mean = sum / static_cast<double>(per_seed.size());
  Outcome o;
  o.holds = p <= f.level;
  o.computed = dataset + " " + f.runs[0] + " - " + f.runs[1] + " per seed " + joined(per_seed, " ") + ": " +
               std::to_string(positive) + " of " + std::to_string(positive + negative) + " non-zero positive, mean " +
               num(mean) + ", one-sided sign test p = " + num(p) + " (level " + num(f.level) + ")";
  o.numbers = {p, f.level, p / f.level, NAN};
  o.why = "sign test p = " + num(p) + (*o.holds ? " <= " : " > ") + "level " + num(f.level) + " (" +
          std::to_string(positive) + " of " + std::to_string(positive + negative) + " seeds better, mean " +
          (mean > 0 ? "+" : "") + num(mean) + " " + dataset + ")";
  return o;
}

}  // namespace

Outcome apply_rule(const std::string& rule, const ClaimFields& f, const RunRecords& runs) {
  if (rule == "monte-carlo-agrees") return monte_carlo_agrees(f, runs);
  if (rule == "value-equals") return value_equals(f, runs);
  if (rule == "bound-feasible") return base_bound(f, runs, false);
  if (rule == "bound-minimal") return base_bound(f, runs, true);
  if (rule == "never-violated") return violation(f, runs, true);
  if (rule == "violated-before") return violation(f, runs, false);
  if (rule == "dominates") return dominates(f, runs);
  if (rule == "paired-better") return paired_better(f, runs);
  if (rule == "value-in-range") return value_in_range(f, runs);
  if (rule == "increasing") return monotone(f, runs, true);
  if (rule == "decreasing") return monotone(f, runs, false);
  return sign_flip_lemma(f, runs);
}

}  // namespace hopelab::batch
