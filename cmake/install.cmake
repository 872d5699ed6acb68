# cmake --install BUILD --prefix PREFIX: everything an installed condbench needs without the
# source tree, and the CMake package for building plugins against it.
#   PREFIX/bin/condbench
#   PREFIX/include/condbench/plugin.h
#   PREFIX/share/condbench/web/      render_svg.mjs and the Vega, Vega-Lite, vega-embed builds (report)
#   PREFIX/share/condbench/studies/  the shipped studies and baselines (condbench list studies)
#   PREFIX/share/condbench/python/   the Python worker module, when the tree has python/
#   PREFIX/lib/cmake/condbench/      condbenchConfig.cmake: condbench::plugin, condbench::condbench,
#                                    condbench_add_plugin()
include(CMakePackageConfigHelpers)
set(CONDBENCH_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/condbench)
set(CONDBENCH_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/condbench)

# The executable finds its data relative to itself (reports/common/install_dirs.cpp), so
# the prefix can move after installation.
file(RELATIVE_PATH CONDBENCH_DATA_FROM_BIN /prefix/${CMAKE_INSTALL_BINDIR} /prefix/${CONDBENCH_INSTALL_DATADIR})
target_compile_definitions(condbench_reports PRIVATE CONDBENCH_DATA_FROM_BIN="${CONDBENCH_DATA_FROM_BIN}")
# Libraries outside the system folders (CUDA) stay found after installation.
set_target_properties(condbench PROPERTIES EXPORT_NAME condbench INSTALL_RPATH_USE_LINK_PATH ON)

install(TARGETS condbench EXPORT condbenchTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS condbench_plugin_api EXPORT condbenchTargets)
install(FILES ${CMAKE_SOURCE_DIR}/include/condbench/plugin.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/condbench)

# Report assets: the same files report.html inlines, in the same layout as reports/web.
set(web ${CMAKE_SOURCE_DIR}/reports/web)
if(EXISTS ${web}/node_modules/vega/build/vega.min.js)
  install(FILES ${web}/render_svg.mjs DESTINATION ${CONDBENCH_INSTALL_DATADIR}/web)
  foreach(pkg vega vega-lite vega-embed)
    install(FILES ${web}/node_modules/${pkg}/build/${pkg}.min.js
            DESTINATION ${CONDBENCH_INSTALL_DATADIR}/web/node_modules/${pkg}/build)
    install(FILES ${web}/node_modules/${pkg}/LICENSE ${web}/node_modules/${pkg}/package.json
            DESTINATION ${CONDBENCH_INSTALL_DATADIR}/web/node_modules/${pkg})
  endforeach()
else()
  message(WARNING "condbench: ${web}/node_modules is missing (run scripts/setup.sh): an installed condbench "
                  "will not write reports")
endif()

file(GLOB studies CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/studies/*.toml)
file(GLOB baselines CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/studies/baselines/*.json)
install(FILES ${studies} DESTINATION ${CONDBENCH_INSTALL_DATADIR}/studies)
install(FILES ${baselines} DESTINATION ${CONDBENCH_INSTALL_DATADIR}/studies/baselines)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/python/ DESTINATION ${CONDBENCH_INSTALL_DATADIR}/python OPTIONAL
        PATTERN "__pycache__" EXCLUDE)

# The package.
install(EXPORT condbenchTargets NAMESPACE condbench:: DESTINATION ${CONDBENCH_INSTALL_CMAKEDIR})
file(STRINGS ${CMAKE_SOURCE_DIR}/include/condbench/plugin.h abi_line REGEX "#define CONDBENCH_PLUGIN_ABI ")
string(REGEX REPLACE ".*CONDBENCH_PLUGIN_ABI ([0-9]+).*" "\\1" CONDBENCH_PLUGIN_ABI "${abi_line}")
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/condbenchConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/condbenchConfig.cmake INSTALL_DESTINATION ${CONDBENCH_INSTALL_CMAKEDIR}
                              PATH_VARS CONDBENCH_INSTALL_DATADIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/condbenchConfigVersion.cmake VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/condbenchConfig.cmake ${CMAKE_BINARY_DIR}/condbenchConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/condbenchPlugin.cmake DESTINATION ${CONDBENCH_INSTALL_CMAKEDIR})
