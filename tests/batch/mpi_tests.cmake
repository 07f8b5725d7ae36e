# hopelab run under mpiexec (tests/batch/check_mpi_run.py), registered where hopelab is built with
# MPI and mpiexec exists (cmake/hopelab_mpi.cmake; scripts/bootstrap installs Open MPI). Open MPI's
# mpiexec gets --oversubscribe (more processes than cores) and, for root as in CI, its
# allow-run-as-root variables (the script sets them).
if(HOPELAB_HAVE_MPI AND HOPELAB_MPIEXEC)
  foreach(part identical stop kill)
    add_test(NAME batch_mpi_${part}
             COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/batch/check_mpi_run.py $<TARGET_FILE:hopelab>
                     ${HOPELAB_MPIEXEC} ${part})
    set_tests_properties(batch_mpi_${part} PROPERTIES LABELS "unit;cli;mpi" TIMEOUT 180 RUN_SERIAL TRUE)
  endforeach()
endif()
