# The plugin interface: the C header include/condbench/plugin.h as an INTERFACE target
# (condbench::plugin, also exported by the installed package), the loader's libraries,
# and condbench_add_plugin for the test plugins built in this tree.
include(GNUInstallDirs)
find_package(OpenSSL REQUIRED)  # SHA-256 of each loaded plugin file, recorded in run.json

add_library(condbench_plugin_api INTERFACE)
target_include_directories(condbench_plugin_api INTERFACE $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
                                                          $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(condbench_plugin_api PROPERTIES EXPORT_NAME plugin)
add_library(condbench::plugin ALIAS condbench_plugin_api)

target_link_libraries(condbench_deps INTERFACE condbench_plugin_api OpenSSL::Crypto ${CMAKE_DL_LIBS})
include(${CMAKE_CURRENT_LIST_DIR}/condbenchPlugin.cmake)
