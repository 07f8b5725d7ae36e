# hopelab_add_test: one GoogleTest executable, registered with ctest test by test.
#
#   hopelab_add_test(rotary_test
#     SOURCES kernels/rotary_test.cpp
#     LIBRARIES hopelab_kernels
#     LABELS unit property
#     [CUDA])                 # compile SOURCES as CUDA (needs HOPELAB_HAVE_CUDA_BUILD)
#
# Links GTest::gtest_main, applies hopelab_host_warnings (-Werror on host code), and gives
# every discovered test the LABELS (ctest -L unit). Tests that call GTEST_SKIP() are
# reported as skipped, not passed. Call it from tests/CMakeLists.txt: LANGUAGE CUDA is a
# source-file property of the calling directory.
include(GoogleTest)

function(hopelab_add_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "CUDA" "" "SOURCES;LIBRARIES;LABELS")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "hopelab_add_test(${name}): SOURCES is required")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hopelab_add_test(${name}): unexpected arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(arg_CUDA AND NOT HOPELAB_HAVE_CUDA_BUILD)
    message(FATAL_ERROR "hopelab_add_test(${name} CUDA): no CUDA build; guard it with if(HOPELAB_HAVE_CUDA_BUILD)")
  endif()
  add_executable(${name} ${arg_SOURCES})
  if(arg_CUDA)
    set_source_files_properties(${arg_SOURCES} PROPERTIES LANGUAGE CUDA)
    hopelab_cuda_warnings(${name})
  endif()
  target_link_libraries(${name} PRIVATE ${arg_LIBRARIES} GTest::gtest_main)
  if("gpu" IN_LIST arg_LABELS)  # built by the target hopelab_device_check (tests/CMakeLists.txt)
    set_property(GLOBAL APPEND PROPERTY HOPELAB_GPU_TEST_TARGETS ${name})
  endif()
  hopelab_host_warnings(${name})
  gtest_discover_tests(${name}
    TEST_PREFIX "${name}."
    TEST_LIST ${name}_TESTS
    DISCOVERY_TIMEOUT 60)
  # Labels go on the discovered tests at ctest time: gtest_discover_tests's PROPERTIES loses
  # the ';' of a list value (CMake 3.25), so a second include file, read after the one that
  # discovers the tests, sets them from the test list.
  set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
  file(WRITE ${labels_file}
    "if(${name}_TESTS)\n"
    "  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${arg_LABELS}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
endfunction()
