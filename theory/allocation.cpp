#include "theory/allocation.h"

#include <cmath>
#include <sstream>

#include "theory/input_error.h"
#include "theory/text_format.h"
#include "theory/text_parse.h"

namespace hopelab {

const char* axis_name(Axis axis) {
  switch (axis) {
    case Axis::t: return "t";
    case Axis::h: return "h";
    case Axis::w: return "w";
  }
  return "?";
}

const char* pair_layout_name(PairLayout layout) {
  return layout == PairLayout::halves ? "halves" : "adjacent";
}

PairLayout parse_pair_layout(const std::string& text) {
  if (text == "halves") return PairLayout::halves;
  if (text == "adjacent") return PairLayout::adjacent;
  throw InputError("pair layout must be 'halves' or 'adjacent', got '" + text + "'");
}

AxisSections parse_sections(const std::string& text) {
  const std::vector<std::string> parts = split(text, ',');
  if (parts.size() != 3) {
    throw InputError("sections must be three counts t,h,w, got '" + text + "'");
  }
  AxisSections s;
  s.t = static_cast<int>(parse_nonnegative_integer(parts[0], "section count"));
  s.h = static_cast<int>(parse_nonnegative_integer(parts[1], "section count"));
  s.w = static_cast<int>(parse_nonnegative_integer(parts[2], "section count"));
  return s;
}

std::vector<int> FrequencyAllocation::pairs_on(Axis a) const {
  std::vector<int> out;
  for (int i = 0; i < pairs(); ++i) {
    if (axis[static_cast<size_t>(i)] == a) out.push_back(i);
  }
  return out;
}

std::vector<int> FrequencyAllocation::zero_pairs() const {
  std::vector<int> out;
  for (int i = 0; i < pairs(); ++i) {
    if (zero[static_cast<size_t>(i)]) out.push_back(i);
  }
  return out;
}

namespace {

FrequencyAllocation uniform(int pairs, Axis a) {
  if (pairs <= 0) throw InputError("number of rotary pairs must be positive, got " + std::to_string(pairs));
  FrequencyAllocation alloc;
  alloc.axis.assign(static_cast<size_t>(pairs), a);
  alloc.zero.assign(static_cast<size_t>(pairs), 0);
  return alloc;
}

std::string sections_text(AxisSections s) {
  return "[" + std::to_string(s.t) + "," + std::to_string(s.h) + "," + std::to_string(s.w) + "]";
}

void require_sum(int pairs, AxisSections s) {
  if (s.t < 0 || s.h < 0 || s.w < 0 || s.total() != pairs) {
    throw InputError("sections " + sections_text(s) + " must be non-negative and sum to d/2 = " +
                     std::to_string(pairs));
  }
}

}  // namespace

FrequencyAllocation allocate_vanilla(int pairs) { return uniform(pairs, Axis::t); }

FrequencyAllocation allocate_mrope(int pairs, AxisSections s) {
  require_sum(pairs, s);
  FrequencyAllocation alloc = uniform(pairs, Axis::t);
  for (int i = s.t; i < s.t + s.h; ++i) alloc.axis[static_cast<size_t>(i)] = Axis::h;
  for (int i = s.t + s.h; i < pairs; ++i) alloc.axis[static_cast<size_t>(i)] = Axis::w;
  return alloc;
}

FrequencyAllocation allocate_mrope_interleave(int pairs, AxisSections s) {
  require_sum(pairs, s);
  // Pair 1 + 3k (k < h) and 2 + 3k (k < w) must exist.
  if ((s.h > 0 && 3 * s.h - 2 > pairs - 1) || (s.w > 0 && 3 * s.w - 1 > pairs - 1)) {
    throw InputError("sections " + sections_text(s) + " do not fit an interleave over " +
                     std::to_string(pairs) + " pairs (need 3*h <= P+1 and 3*w <= P)");
  }
  FrequencyAllocation alloc = uniform(pairs, Axis::t);
  for (int k = 0; k < s.h; ++k) alloc.axis[static_cast<size_t>(1 + 3 * k)] = Axis::h;
  for (int k = 0; k < s.w; ++k) alloc.axis[static_cast<size_t>(2 + 3 * k)] = Axis::w;
  return alloc;
}

FrequencyAllocation allocate_videorope(int pairs, AxisSections s) {
  require_sum(pairs, s);
  FrequencyAllocation alloc = uniform(pairs, Axis::t);
  for (int j = 0; j < s.h + s.w; ++j) alloc.axis[static_cast<size_t>(j)] = j % 2 == 0 ? Axis::h : Axis::w;
  return alloc;  // pairs s.h + s.w .. P-1 keep Axis::t
}

FrequencyAllocation allocate_hope(int pairs, AxisSections s) {
  FrequencyAllocation alloc = allocate_videorope(pairs, s);
  for (int i = 0; i < pairs; ++i) {
    if (alloc.axis[static_cast<size_t>(i)] == Axis::t) alloc.zero[static_cast<size_t>(i)] = 1;
  }
  return alloc;
}

FrequencyAllocation allocate_mhrope(int pairs, AxisSections s, int kv_heads, int head) {
  if (s.t < 0 || s.h < 0 || s.w < 0 || s.total() > kv_heads) {
    throw InputError("mhrope head sections " + sections_text(s) + " must be non-negative and sum to at most kv_heads = " +
                     std::to_string(kv_heads));
  }
  if (kv_heads < 1) throw InputError("mhrope kv_heads must be at least 1, got " + std::to_string(kv_heads));
  if (head < 0 || head >= kv_heads) {
    throw InputError("mhrope head must be in [0, kv_heads) = [0, " + std::to_string(kv_heads) + "), got " +
                     std::to_string(head));
  }
  if (head < s.t) return uniform(pairs, Axis::t);
  if (head < s.t + s.h) return uniform(pairs, Axis::h);
  if (head < s.total()) return uniform(pairs, Axis::w);
  FrequencyAllocation alloc = uniform(pairs, Axis::t);  // a padding head: NoPE
  alloc.zero.assign(static_cast<size_t>(pairs), 1);
  return alloc;
}

int fraction_of_pairs(int pairs, double fraction, const char* what) {
  if (!(fraction >= 0.0 && fraction <= 1.0)) {
    throw InputError(std::string(what) + " must be in [0, 1], got " + format_number(fraction));
  }
  return static_cast<int>(std::floor(fraction * pairs * (1.0 + 1e-12)));
}

FrequencyAllocation allocate_p_rope(int pairs, double keep_fraction) {
  const int keep = fraction_of_pairs(pairs, keep_fraction, "p-rope keep fraction");
  FrequencyAllocation alloc = uniform(pairs, Axis::t);
  for (int i = keep; i < pairs; ++i) alloc.zero[static_cast<size_t>(i)] = 1;
  return alloc;
}

FrequencyAllocation append_unrotated_pairs(FrequencyAllocation rotating, int pairs) {
  if (rotating.pairs() > pairs) {
    throw InputError(std::to_string(rotating.pairs()) + " rotating pairs do not fit " + std::to_string(pairs) +
                     " pairs");
  }
  rotating.axis.resize(static_cast<size_t>(pairs), Axis::t);
  rotating.zero.resize(static_cast<size_t>(pairs), 1);
  return rotating;
}

FrequencyAllocation parse_custom_allocation(int pairs, const std::string& spec) {
  FrequencyAllocation alloc = uniform(pairs, Axis::t);
  std::vector<int> assigned(static_cast<size_t>(pairs), 0);
  for (const std::string& item : split(spec, ';')) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos) {
      throw InputError("custom allocation item '" + item + "' must look like axis:pairs (e.g. t:0-15)");
    }
    const std::string key = trim(item.substr(0, colon));
    const std::vector<int> indices = parse_index_ranges(item.substr(colon + 1), pairs);
    for (int i : indices) {
      if (key == "zero") {
        alloc.zero[static_cast<size_t>(i)] = 1;
        continue;
      }
      Axis a;
      if (key == "t") a = Axis::t;
      else if (key == "h") a = Axis::h;
      else if (key == "w") a = Axis::w;
      else throw InputError("custom allocation key must be t, h, w or zero, got '" + key + "'");
      if (assigned[static_cast<size_t>(i)]++) {
        throw InputError("custom allocation assigns pair " + std::to_string(i) + " twice");
      }
      alloc.axis[static_cast<size_t>(i)] = a;
    }
  }
  for (int i = 0; i < pairs; ++i) {
    if (!assigned[static_cast<size_t>(i)]) {
      throw InputError("custom allocation leaves pair " + std::to_string(i) + " without an axis");
    }
  }
  return alloc;
}

void validate(const FrequencyAllocation& allocation) {
  if (allocation.axis.empty() || allocation.zero.size() != allocation.axis.size()) {
    throw InputError("allocation must give every pair one axis and one zero flag");
  }
}

}  // namespace hopelab
