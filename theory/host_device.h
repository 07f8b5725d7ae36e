#pragma once
// HOPELAB_HD marks a small pure inline function that host and device code share.
// The theory layer stays plain C++: the macro is empty unless a CUDA compiler reads it,
// which lets kernels/ call the theory's formulas instead of writing them again.

#if defined(__CUDACC__)
#define HOPELAB_HD __host__ __device__
#else
#define HOPELAB_HD
#endif
