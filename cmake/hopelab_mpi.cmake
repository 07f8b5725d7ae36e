# MPI, the optional dependency of `hopelab run` across processes (docs/usage.md "Running on a
# cluster"; Debian's Open MPI, which scripts/bootstrap installs). With HOPELAB_MPI on (the
# default) and an MPI library found, hopelab_batch joins the MPI job its process was started in;
# without one it is built with a world of one process and behaves as before.
#   HOPELAB_HAVE_MPI        an MPI library was found and is used
#   HOPELAB_MPIEXEC         mpiexec/mpirun for the tests (empty without MPI)
#   hopelab_mpi_world_source the World implementation to compile into hopelab_batch
option(HOPELAB_MPI "Distribute hopelab run over the processes of an MPI job when an MPI library is found" ON)

set(HOPELAB_HAVE_MPI OFF)
set(HOPELAB_MPIEXEC "")
if(HOPELAB_MPI)
  find_package(MPI COMPONENTS C QUIET)
  if(MPI_C_FOUND)
    set(HOPELAB_HAVE_MPI ON)
    set(HOPELAB_MPIEXEC "${MPIEXEC_EXECUTABLE}")
  endif()
endif()
if(HOPELAB_HAVE_MPI)
  message(STATUS "MPI: version ${MPI_C_VERSION} (${MPI_C_LIB_NAMES}), tests with ${HOPELAB_MPIEXEC}")
  set(hopelab_mpi_world_source batch/mpi_world.cpp)
else()
  message(STATUS "MPI: not used (hopelab run is one process)")
  set(hopelab_mpi_world_source batch/mpi_world_serial.cpp)
endif()
