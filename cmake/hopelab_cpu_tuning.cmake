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

# The instruction set of the tuned code, for the provenance of results files (root attribute
# instruction_set, docs/hdf5-format.md): "native: <flags> (<extensions>)" or
# "portable: compiler default (<extensions>)", the extensions being those the compiler
# predefines a macro for under those flags (read once, at configure time).
function(hopelab_instruction_extensions flags out_var)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} ${flags} -dM -E -x c++ /dev/null
                  OUTPUT_VARIABLE macros ERROR_QUIET)
  set(found "")
  foreach(pair __SSE2__:sse2 __SSE4_2__:sse4.2 __AVX__:avx __AVX2__:avx2 __FMA__:fma __AVX512F__:avx512f
               __AVX512DQ__:avx512dq __AVX512BW__:avx512bw __AVX512VL__:avx512vl __AVX512VNNI__:avx512vnni
               __AVX512BF16__:avx512bf16 __AVX512FP16__:avx512fp16 __ARM_NEON:neon __ARM_FEATURE_SVE:sve
               __ARM_FEATURE_SVE2:sve2)
    string(REPLACE ":" ";" parts "${pair}")
    list(GET parts 0 macro)
    list(GET parts 1 name)
    if(macros MATCHES "#define ${macro} ")
      list(APPEND found ${name})
    endif()
  endforeach()
  list(JOIN found " " text)
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

if(HOPELAB_NATIVE_CPU AND HOPELAB_HAS_MARCH_NATIVE)
  set(hopelab_tuning_flags -march=native)
  if(HOPELAB_HAS_PREFER_512)
    list(APPEND hopelab_tuning_flags -mprefer-vector-width=512)
  endif()
  hopelab_instruction_extensions("${hopelab_tuning_flags}" hopelab_extensions)
  list(JOIN hopelab_tuning_flags " " hopelab_tuning_text)
  set(HOPELAB_INSTRUCTION_SET "native: ${hopelab_tuning_text} (${hopelab_extensions})")
else()
  hopelab_instruction_extensions("" hopelab_extensions)
  set(HOPELAB_INSTRUCTION_SET "portable: compiler default (${hopelab_extensions})")
endif()
message(STATUS "hopelab instruction set: ${HOPELAB_INSTRUCTION_SET}")

# Gives a target the compile definition HOPELAB_INSTRUCTION_SET (a string literal).
function(hopelab_record_instruction_set target)
  target_compile_definitions(${target} PRIVATE HOPELAB_INSTRUCTION_SET="${HOPELAB_INSTRUCTION_SET}")
endfunction()
