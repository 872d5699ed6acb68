# The user's path, end to end: install condbench into a fresh prefix, build examples/plugin
# against the installed package (find_package(condbench)), check the plugin exports only its
# entry point, run the example's own ctest (its accuracy gate through condbench regress), and
# write a report with the installed executable alone (its assets beside it).
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -P plugin_example.cmake
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "plugin_example.cmake: -D${var}=... is required")
  endif()
endforeach()

function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}")
  endif()
  message(STATUS "${what}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/example-build)
file(REMOVE_RECURSE ${WORK_DIR})

step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/condbench/plugin.h lib/cmake/condbench/condbenchConfig.cmake
          lib/cmake/condbench/condbenchConfigVersion.cmake share/condbench/web/render_svg.mjs)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()

step("condbench --version" ${prefix}/bin/condbench --version)
if(NOT step_output MATCHES "report assets: ${prefix}/share/condbench/web\n" OR step_output MATCHES "incomplete")
  message(FATAL_ERROR "the installed condbench does not use its installed report assets:\n${step_output}")
endif()

step("configure examples/plugin against the installed package"
     ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/plugin -B ${build} -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix})
step("build the example plugin" ${CMAKE_COMMAND} --build ${build})

find_program(NM nm REQUIRED)
step("nm -D" ${NM} -D --defined-only ${build}/libnopivot_lu.so)
string(REGEX MATCHALL "[^\n]+" symbols "${step_output}")
if(NOT symbols MATCHES "^[0-9a-f]+ T condbench_plugin_entry$")
  message(FATAL_ERROR "the plugin must export condbench_plugin_entry and nothing else; nm -D shows:\n${step_output}")
endif()

step("the example's ctest (accuracy gate)" ${CMAKE_CTEST_COMMAND} --test-dir ${build} --output-on-failure)
if(NOT step_output MATCHES "100% tests passed")
  message(FATAL_ERROR "the example's ctest ran no passing test:\n${step_output}")
endif()

step("report with the installed condbench" ${prefix}/bin/condbench report ${build}/gate-run)
if(NOT EXISTS ${build}/gate-run/report.html OR NOT EXISTS ${build}/gate-run/figures/forward_error.svg)
  message(FATAL_ERROR "the installed condbench wrote no report:\n${step_output}")
endif()
