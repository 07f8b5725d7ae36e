#pragma once
// Offsets a kind evaluates: along text (m, m, m) or between frames (the same cell m frames
// apart, positioned by the method's design), and the distance m of each; or one explicit offset
// (t, h, w), whose distance is NaN.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "params/field.h"
#include "theory/method.h"
#include "theory/preference.h"

namespace hopelab::params {

// The frame grid's default (V-NIAH: 144 tokens per frame), of the offsets and of kinds with a
// `grid` read only along frames (first-violation).
inline constexpr const char* kDefaultFrameGrid = "12x12";

struct OffsetParams {
  std::string along = "text";
  std::string offsets = "0:100000:1000";
  std::string frames = "0:1000:10";
  std::string grid = kDefaultFrameGrid;
  std::vector<double> offset3;  // (3) or empty (absent): the distances of `along`
  // Not a field: the fields a spec or the command line wrote (mark_given), each refused where it
  // does not apply whatever its value (offset_field_uses).
  GivenFields given;
};

// Records the fields of p that a spec's run or the command line wrote (OffsetParams::given).
inline void mark_given(OffsetParams& p, GivenFields given) { p.given = std::move(given); }

template <class V>
void visit_fields(OffsetParams& p, V&& v) {
  v(Field{"along", "", words("text, frames"), "text (offset m,m,m) or frames (same cell, m frames apart)"}, p.along);
  v(Field{"offsets", "token", words("\"a:b:s\""), "text distances (along = text)"}, p.offsets);
  v(Field{"frames", "frame", words("\"a:b:s\""), "frame distances (along = frames)"}, p.frames);
  v(Field{"grid", "token", words("\"HxW\""), "frame grid in LLM tokens"}, p.grid);
  v(Field{"offset3", "position", any(), "one offset t,h,w (then along, offsets, frames and grid are unused)"},
    p.offset3);
}

struct OffsetGrid {
  std::vector<Offset3> offsets;   // (M)
  std::vector<double> distance;   // (M) m of each offset; NaN for offset3
  std::string distance_unit;      // "token" or "frame"; "" for offset3
};

// At most 10^7 offsets. Throws InputError naming a bad value, or a field that does not apply
// (check_offsets_apply).
OffsetGrid offset_grid(const OffsetParams& p, const Method& method);

// The number of offsets offset_grid gives, without building them. Throws as offset_grid does.
std::int64_t offset_count(const OffsetParams& p);

// The rule for fields the other fields make unused, one row per field that only some offsets
// read (docs/usage.md "Options that do not apply"), each set when given (p.given) or other than
// its default: beside offset3, along, offsets, frames and grid; along = text, frames and grid;
// along = frames, offsets.
std::vector<FieldUse> offset_field_uses(const OffsetParams& p);

// The frame grid's row of that rule: `grid` (default kDefaultFrameGrid) is read only along frames.
// A kind with an `along` and a `grid` of its own (first-violation) follows this row too.
FieldUse frame_grid_use(const std::string& grid, bool along_frames);

// Refuses a row of `uses` set (given, or other than its default) that does not apply: "FIELD =
// 'VALUE' does not apply WHERE (unused there; leave it out)", `where` e.g. "with along = text".
void check_fields_apply(const std::vector<FieldUse>& uses, const std::string& where);

// Refuses a field set (given, or other than its default) that does not apply (offset_field_uses).
void check_offsets_apply(const OffsetParams& p);

// The fields of p that its other fields make unused (offset_field_uses): left at their defaults
// (check_offsets_apply), so a results file leaves them out.
std::vector<std::string> fields_not_applying(const OffsetParams& p);

}  // namespace hopelab::params
