# One include root per layer, so that a layer sees only itself and the layers below it.
#
# Sources include headers as "theory/spectrum.h", "kernels/rotary.h", ... . The repository
# root is never an include directory; instead each layer L gets a directory
#   ${CMAKE_BINARY_DIR}/include_roots/L/L -> ${CMAKE_SOURCE_DIR}/L   (a symbolic link)
# and its target adds ${CMAKE_BINARY_DIR}/include_roots/L as a PUBLIC include directory.
# Linking a lower layer brings that layer's root along; nothing brings a higher one, so an
# upward include ("sim/..." from theory) fails to compile. tests/layering checks this.

function(hopelab_layer_include_root layer out_var)
  hopelab_include_root(${layer} ${layer} ${CMAKE_SOURCE_DIR}/${layer} root)
  set(${out_var} ${root} PARENT_SCOPE)
endfunction()

# The same for a library inside a layer (experiments/params, experiments/kinds, ...): a root
# named `root_name` holding one link `prefix` -> `source_dir`, so that its headers are
# "prefix/..." and only targets that link the library see them.
function(hopelab_include_root root_name prefix source_dir out_var)
  set(root ${CMAKE_BINARY_DIR}/include_roots/${root_name})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${prefix})
    file(CREATE_LINK ${source_dir} ${root}/${prefix} SYMBOLIC)
  endif()
  set(${out_var} ${root} PARENT_SCOPE)
endfunction()

# Warnings as errors on host code (unless HOPELAB_WERROR is OFF).
function(hopelab_host_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
      $<$<BOOL:${HOPELAB_WERROR}>:-Werror>>)
endfunction()
