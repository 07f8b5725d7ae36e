# Host code generation for the CPU backend's hot loops.
#
# The tiled win-probability product (kernels/score_tile.h) is written as plain loops with
# vectorisation hints; it reaches a useful share of the CPU's FMA peak only when the compiler
# may use the build machine's widest vectors. HOPELAB_NATIVE_CPU (ON by default) compiles the
# CPU backend with -march=native and 512-bit vectors where the compiler accepts them. The
# binaries then run on the machine that built them (or one with the same instruction set);
# turn it OFF for a portable build.

include(CheckCXXCompilerFlag)
option(HOPELAB_NATIVE_CPU "Compile the CPU backend for the build machine's instruction set" ON)

check_cxx_compiler_flag("-march=native" HOPELAB_HAS_MARCH_NATIVE)
check_cxx_compiler_flag("-mprefer-vector-width=512" HOPELAB_HAS_PREFER_512)

# Applies the tuning to a host-compiled target (CXX sources only).
function(hopelab_cpu_tuning target)
  if(NOT HOPELAB_NATIVE_CPU OR NOT HOPELAB_HAS_MARCH_NATIVE)
    return()
  endif()
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
  if(HOPELAB_HAS_PREFER_512)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-mprefer-vector-width=512>)
  endif()
endfunction()
