#pragma once
// What this build was made from: the project version (CMake) and the git commit with its dirty
// flag, captured by experiments/results/git_info.cmake at every build (the generated source
// changes only when they do).

namespace hopelab::results {

const char* build_version();     // e.g. "0.1.0"
const char* build_git_commit();  // 40 hex digits, or "unknown" outside a git checkout
bool build_git_dirty();          // tracked files differed from the commit at build time

}  // namespace hopelab::results
