# Every dependency is a Debian package (scripts/bootstrap installs them) found here once.

find_package(Boost 1.74 REQUIRED COMPONENTS iostreams filesystem system)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(HDF5 REQUIRED COMPONENTS C CXX)
find_package(rapidcheck REQUIRED)
find_package(GTest REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
# The reference scripts under tests/ref use Debian's numpy and mpmath, so prefer Debian's python3.
if(EXISTS /usr/bin/python3 AND NOT Python3_EXECUTABLE)
  set(Python3_EXECUTABLE /usr/bin/python3)
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Header-only packages without a CMake config.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(hopelab_random123 INTERFACE)
target_include_directories(hopelab_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

find_path(GNUPLOT_IOSTREAM_INCLUDE_DIR gnuplot-iostream.h REQUIRED)
find_program(GNUPLOT_EXECUTABLE gnuplot REQUIRED)
add_library(hopelab_gnuplot_iostream INTERFACE)
target_include_directories(hopelab_gnuplot_iostream SYSTEM INTERFACE ${GNUPLOT_IOSTREAM_INCLUDE_DIR})
target_link_libraries(hopelab_gnuplot_iostream INTERFACE Boost::iostreams Boost::filesystem Boost::system)

# Thrust (CCCL): the CUDA toolkit's when one is installed (the CUDA build compiles against the same
# headers), else Debian's libthrust-dev (scripts/bootstrap installs it), so the CPU build needs no
# CUDA toolkit (tests/build). The CPU build uses only the headers, with Thrust's device system set
# to OpenMP.
find_path(CCCL_INCLUDE_DIR thrust/version.h
  HINTS ${CUDAToolkit_ROOT}/include ENV CUDAToolkit_ROOT ENV CUDA_PATH
  PATHS /usr/local/cuda/include
  PATH_SUFFIXES cccl include/cccl include
  NO_DEFAULT_PATH)
find_path(CCCL_INCLUDE_DIR thrust/version.h)
if(NOT CCCL_INCLUDE_DIR)
  message(FATAL_ERROR "hopelab: Thrust's headers not found: install the CUDA toolkit or Debian's libthrust-dev "
                      "(scripts/bootstrap installs it)")
endif()
add_library(hopelab_thrust_omp INTERFACE)
target_include_directories(hopelab_thrust_omp SYSTEM INTERFACE ${CCCL_INCLUDE_DIR})
target_compile_definitions(hopelab_thrust_omp INTERFACE
  THRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_OMP THRUST_HOST_SYSTEM=THRUST_HOST_SYSTEM_CPP)
target_link_libraries(hopelab_thrust_omp INTERFACE OpenMP::OpenMP_CXX)
