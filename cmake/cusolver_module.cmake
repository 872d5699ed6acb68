# The GPU module and what the executable needs to know about it (included from the
# top-level CMakeLists.txt after condbench_solvers).
include(GNUInstallDirs)

# Where `cmake --install` puts the module, absolute and relative to the installed
# executable; the loader searches both (and the build tree).
set(CONDBENCH_MODULE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/condbench)
file(RELATIVE_PATH CONDBENCH_MODULE_INSTALL_REL ${CMAKE_INSTALL_FULL_BINDIR}
     ${CMAKE_INSTALL_PREFIX}/${CONDBENCH_MODULE_INSTALL_DIR})

# The ABI tag's fingerprint of the types that cross the executable/module boundary:
# reconfigured (and so recompiled on both sides) whenever they change.
set(CONDBENCH_INTERFACE_FILES ${CMAKE_SOURCE_DIR}/solvers/solver.hpp ${CMAKE_SOURCE_DIR}/solvers/cusolver/module_api.hpp)
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CONDBENCH_INTERFACE_FILES})
set(hashes "")
foreach(f ${CONDBENCH_INTERFACE_FILES})
  file(SHA256 ${f} h)
  string(APPEND hashes ${h})
endforeach()
string(SHA256 CONDBENCH_INTERFACE_HASH "${hashes}")
string(SUBSTRING ${CONDBENCH_INTERFACE_HASH} 0 16 CONDBENCH_INTERFACE_HASH)

if(CONDBENCH_CUSOLVER_MODULE)
  set(built 1)
  set(built_with "CUDA ${CUDAToolkit_VERSION}")
else()
  set(built 0)
  set(built_with "")
endif()
set_property(SOURCE ${CMAKE_SOURCE_DIR}/solvers/cusolver/loader.cpp APPEND PROPERTY
             COMPILE_DEFINITIONS CONDBENCH_CUSOLVER_BUILT=${built} "CONDBENCH_CUSOLVER_BUILT_WITH=\"${built_with}\""
             "CONDBENCH_CUSOLVER_NOT_BUILT_WHY=\"${CONDBENCH_CUDA_WHY}\""
             "CONDBENCH_CUSOLVER_INSTALL_DIR=\"${CMAKE_INSTALL_PREFIX}/${CONDBENCH_MODULE_INSTALL_DIR}\""
             "CONDBENCH_CUSOLVER_INSTALL_REL=\"${CONDBENCH_MODULE_INSTALL_REL}\""
             "CONDBENCH_INTERFACE_HASH=\"${CONDBENCH_INTERFACE_HASH}\"")

# The module's decisions that need no GPU (warm-up size classes, IRS outcomes, the SVD
# cut-off), and with the CUDA headers the status names: linked into the module and
# into test_solvers, which tests them on every machine (no CUDA library is linked).
add_library(condbench_cusolver_rules OBJECT ${CMAKE_SOURCE_DIR}/solvers/cusolver/gpu/rules.cpp)
set_target_properties(condbench_cusolver_rules PROPERTIES POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden
                      VISIBILITY_INLINES_HIDDEN ON)
target_link_libraries(condbench_cusolver_rules PUBLIC condbench_deps)

if(CONDBENCH_CUSOLVER_MODULE)
  target_sources(condbench_cusolver_rules PRIVATE ${CMAKE_SOURCE_DIR}/solvers/cusolver/gpu/status.cpp)
  target_include_directories(condbench_cusolver_rules PUBLIC ${CUDAToolkit_INCLUDE_DIRS})
  list(GET CUDAToolkit_INCLUDE_DIRS 0 cuda_include)
  target_compile_definitions(condbench_cusolver_rules PUBLIC "CONDBENCH_CUDA_INCLUDE_DIR=\"${cuda_include}\"")

  file(GLOB module_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/solvers/cusolver/gpu/*.cpp)
  list(REMOVE_ITEM module_sources ${CMAKE_SOURCE_DIR}/solvers/cusolver/gpu/rules.cpp
       ${CMAKE_SOURCE_DIR}/solvers/cusolver/gpu/status.cpp)
  add_library(condbench_cusolver MODULE ${module_sources} ${CMAKE_SOURCE_DIR}/solvers/cusolver/catalogue.cpp)
  target_link_libraries(condbench_cusolver PRIVATE condbench_cusolver_rules condbench_deps CUDA::cudart CUDA::cusolver
                        CUDA::cublas)
  target_compile_definitions(condbench_cusolver PRIVATE "CONDBENCH_CUDA_VERSION=\"${CUDAToolkit_VERSION}\""
                             "CONDBENCH_INTERFACE_HASH=\"${CONDBENCH_INTERFACE_HASH}\"")
  # Only the entry point is exported; every symbol must resolve inside the module and its libraries.
  set_target_properties(condbench_cusolver PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
                        CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(condbench_cusolver PRIVATE -Wl,--no-undefined)
  # Installed, it still finds the CUDA libraries it was built with (LD_LIBRARY_PATH comes first).
  set_target_properties(condbench_cusolver PROPERTIES INSTALL_RPATH "${CUDAToolkit_LIBRARY_DIR}")
  install(TARGETS condbench_cusolver LIBRARY DESTINATION ${CONDBENCH_MODULE_INSTALL_DIR})
endif()
