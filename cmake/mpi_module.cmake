# The MPI module, libcondbench_mpi.so: the only part of condbench that links MPI and
# ScaLAPACK (Debian: libopenmpi-dev, libscalapack-openmpi-dev). The executable opens it
# only when an MPI launcher started it (solvers/mpi/world.cpp), so `condbench` alone
# never maps an MPI library. Builds when both are found (AUTO) or on demand (ON);
# without it the scalapack.* solvers are still listed and say why they cannot run.
# Included from the top-level CMakeLists.txt after condbench_solvers.
include(GNUInstallDirs)

set(CONDBENCH_MPI AUTO CACHE STRING "Build the MPI module (Open MPI + ScaLAPACK): AUTO, ON or OFF")
set(CONDBENCH_MPI_MODULE OFF)
set(CONDBENCH_MPI_WHY "")
if(CONDBENCH_MPI STREQUAL "OFF")
  set(CONDBENCH_MPI_WHY "condbench was configured with -DCONDBENCH_MPI=OFF")
else()
  # MPI's C interface from C++: no C++ bindings (deprecated; Open MPI's need libmpi_cxx).
  set(MPI_CXX_SKIP_MPICXX ON)
  find_package(MPI COMPONENTS CXX QUIET)
  find_library(SCALAPACK_LIB NAMES scalapack-openmpi)
  if(MPI_CXX_FOUND AND SCALAPACK_LIB)
    set(CONDBENCH_MPI_MODULE ON)
    message(STATUS "condbench: MPI module ON (MPI ${MPI_CXX_VERSION}, ${SCALAPACK_LIB})")
  else()
    set(CONDBENCH_MPI_WHY "Open MPI or ScaLAPACK was not found when condbench was built (Debian: libopenmpi-dev libscalapack-openmpi-dev, see scripts/setup.sh)")
    if(CONDBENCH_MPI STREQUAL "ON")
      message(FATAL_ERROR "CONDBENCH_MPI=ON but ${CONDBENCH_MPI_WHY}")
    endif()
    message(STATUS "condbench: MPI module OFF (${CONDBENCH_MPI_WHY})")
  endif()
endif()

# Where `cmake --install` puts the module, absolute and relative to the installed executable.
set(CONDBENCH_MPI_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/condbench)
file(RELATIVE_PATH CONDBENCH_MPI_INSTALL_REL ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_PREFIX}/${CONDBENCH_MPI_INSTALL_DIR})

# The ABI tag's fingerprint of the interface: reconfigured (and both sides recompiled) when it changes.
set(api_header ${CMAKE_SOURCE_DIR}/solvers/mpi/module_api.hpp)
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${api_header})
file(SHA256 ${api_header} api_hash)
string(SUBSTRING ${api_hash} 0 16 CONDBENCH_MPI_API_HASH)

if(CONDBENCH_MPI_MODULE)
  set(built 1)
else()
  set(built 0)
endif()
set_property(SOURCE ${CMAKE_SOURCE_DIR}/solvers/mpi/world.cpp APPEND PROPERTY
             COMPILE_DEFINITIONS CONDBENCH_MPI_BUILT=${built} "CONDBENCH_MPI_NOT_BUILT_WHY=\"${CONDBENCH_MPI_WHY}\""
             "CONDBENCH_MPI_INSTALL_DIR=\"${CMAKE_INSTALL_PREFIX}/${CONDBENCH_MPI_INSTALL_DIR}\""
             "CONDBENCH_MPI_INSTALL_REL=\"${CONDBENCH_MPI_INSTALL_REL}\""
             "CONDBENCH_MPI_API_HASH=\"${CONDBENCH_MPI_API_HASH}\"")

if(CONDBENCH_MPI_MODULE)
  file(GLOB mpi_module_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/solvers/mpi/module/*.cpp)
  get_filename_component(scalapack_name ${SCALAPACK_LIB} NAME)
  add_library(condbench_mpi MODULE ${mpi_module_sources})
  target_include_directories(condbench_mpi PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(condbench_mpi PRIVATE MPI::MPI_CXX ${SCALAPACK_LIB})
  target_compile_definitions(condbench_mpi PRIVATE OMPI_SKIP_MPICXX MPICH_SKIP_MPICXX
                             "CONDBENCH_MPI_API_HASH=\"${CONDBENCH_MPI_API_HASH}\""
                             "CONDBENCH_SCALAPACK_LIBRARY=\"${scalapack_name}\"")
  # Only the entry point is exported; every symbol resolves inside the module and its libraries.
  set_target_properties(condbench_mpi PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
                        CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(condbench_mpi PRIVATE -Wl,--no-undefined)
  install(TARGETS condbench_mpi LIBRARY DESTINATION ${CONDBENCH_MPI_INSTALL_DIR})
endif()
