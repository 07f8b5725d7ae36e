#pragma once
// What this build was made from: the project version (CMake), the git commit with its dirty
// flag, captured by experiments/results/git_info.cmake at every build (the generated source
// changes only when they do), and the instruction set its CPU code targets (configure time,
// cmake/hopelab_cpu_tuning.cmake).

namespace hopelab::results {

const char* build_version();     // e.g. "0.1.0"
const char* build_git_commit();  // 40 hex digits, or "unknown" outside a git checkout
bool build_git_dirty();          // tracked files differed from the commit at build time
const char* build_git_describe();  // `git describe --tags --always --dirty`, or "unknown"
// e.g. "native: -march=native -mprefer-vector-width=512 (sse2 ... avx512f ...)" or
// "portable: compiler default (sse2)"
const char* build_instruction_set();

}  // namespace hopelab::results
