# condbench_add_plugin(NAME SOURCES src... [LINK_LIBRARIES lib...])
#
# Builds a condbench solver plugin: a MODULE library (loaded with dlopen, never linked
# against) compiled with hidden visibility, so that the only exported symbol is the entry
# point declared with CONDBENCH_PLUGIN_EXPORT in <condbench/plugin.h>; linked with
# --no-undefined, so a missing library is a link error here and not a load error later;
# and with --exclude-libs,ALL, so static libraries linked in export nothing either.
# Installed with condbench's CMake package (find_package(condbench)) and used in its tree.
function(condbench_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LINK_LIBRARIES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "condbench_add_plugin(${name}): SOURCES is required")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "condbench_add_plugin(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  add_library(${name} MODULE ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE condbench::plugin ${arg_LINK_LIBRARIES})
  set_target_properties(${name} PROPERTIES C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden
                                           VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE LINKER:--no-undefined LINKER:--exclude-libs,ALL)
endfunction()
