#pragma once
// Checksums that detect accidental corruption of what a run resumes from. A run record's: over its
// whole content (group, unit_index, attributes in order with their units, datasets
// with names, units, descriptions, kinds, shapes and values bit for bit): 64-bit FNV-1a over a
// length-prefixed encoding, as 16 hex digits. A checkpoint stores it beside its record, so a
// flipped bit or an edited value is seen on --resume (any single changed byte changes the sum).
// It detects accidents, not forgery: whoever can edit the file can recompute it.

#include <string>

#include "results/run_record.h"

namespace hopelab::results {

// The name of the attribute a checkpoint's record stores it in.
constexpr const char* kChecksumAttribute = "checkpoint_checksum";

std::string record_checksum(const RunRecord& record);

// The same sum over a file's bytes (16 hex digits). Throws InputError when it cannot be read.
std::string file_checksum(const std::string& path);

}  // namespace hopelab::results
