#pragma once
// Training allocates and frees the same large activation buffers every step. glibc serves blocks
// above 128 KiB by mmap and returns them on free, so each step page-faults them in again (about a
// fifth of a needle-preset step's CPU time, docs/perf.md). These limits keep freed blocks in the
// heap for reuse. Called by the training commands and `bench vlm`, before their first step.

#include <malloc.h>

namespace hopelab::cli {

inline void reuse_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);   // blocks below 64 MiB come from the heap
  mallopt(M_TRIM_THRESHOLD, 256 << 20);  // and up to 256 MiB of freed heap is kept
}

}  // namespace hopelab::cli
