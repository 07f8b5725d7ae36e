# CUDA backend: the same sim sources, compiled a second time by nvcc into hopelab_sim_cuda.
#
# Included from the top-level CMakeLists.txt after every layer exists. With HOPELAB_CUDA ON
# and nvcc found, it enables CUDA and adds sim/cuda, whose target takes hopelab_sim's SOURCES
# and marks them LANGUAGE CUDA there (source-file properties are per directory, so sim/ keeps
# compiling them with the host compiler). Sets HOPELAB_HAVE_CUDA_BUILD (ON/OFF) for tests/.
# Without nvcc, or with HOPELAB_CUDA OFF, the build is CPU only and says so.

# Warnings as errors on CUDA code: nvcc's own, and the host compiler's on the host side (unless
# HOPELAB_WERROR is OFF).
function(hopelab_cuda_warnings target)
  if(HOPELAB_WERROR)
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CUDA>:-Werror=all-warnings -Xcompiler=-Wall,-Wextra,-Wshadow,-Werror>)
  else()
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra,-Wshadow>)
  endif()
endfunction()

set(HOPELAB_HAVE_CUDA_BUILD OFF)

if(HOPELAB_CUDA)
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # nvcc's host side uses the compiler that builds the CPU backend unless one is given, so
    # both agree on the ABI. check_language() leaves an empty CMAKE_CUDA_HOST_COMPILER variable
    # over the cache entry (CMake 3.25); drop it first.
    unset(CMAKE_CUDA_HOST_COMPILER)
    if(NOT CMAKE_CUDA_HOST_COMPILER AND "$ENV{CUDAHOSTCXX}" STREQUAL "")
      set(CMAKE_CUDA_HOST_COMPILER ${CMAKE_CXX_COMPILER} CACHE FILEPATH "Host compiler for nvcc" FORCE)
    endif()
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90 CACHE STRING "CUDA architectures (90: H100/H200)")
    endif()
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(CMAKE_CUDA_EXTENSIONS OFF)
    # One CUDA runtime per program: the shared one, as CUDA::cudart, also for nvcc-linked tests.
    set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)
    find_package(CUDAToolkit REQUIRED)
    add_subdirectory(${CMAKE_SOURCE_DIR}/sim/cuda ${CMAKE_BINARY_DIR}/sim/cuda)
    set(HOPELAB_HAVE_CUDA_BUILD ON)
    message(STATUS "hopelab: CUDA backend hopelab_sim_cuda (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, "
                   "architectures ${CMAKE_CUDA_ARCHITECTURES}, host ${CMAKE_CUDA_HOST_COMPILER})")
  else()
    message(STATUS "hopelab: no CUDA compiler found; CPU backend only")
  endif()
else()
  message(STATUS "hopelab: HOPELAB_CUDA is OFF; CPU backend only")
endif()
