# ctest -P script: fails when ldd shows a CUDA library in one of FILES ("|"-separated),
# since only the GPU module may link CUDA; and, as the check's own control, when MODULE
# (the GPU module, if built) shows none.
set(cuda_regex "(libcuda|libcudart|libcusolver|libcublas|libcublasLt|libcusparse|libnvJitLink|libnvrtc)[^ ]*")

function(ldd_of file out)
  execute_process(COMMAND ldd ${file} OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ldd ${file} failed (${rc}): ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

string(REPLACE "|" ";" files "${FILES}")
foreach(f ${files})
  ldd_of(${f} text)
  if(text MATCHES "${cuda_regex}")
    message(FATAL_ERROR "${f} links ${CMAKE_MATCH_0}: CUDA must stay in the GPU module\n${text}")
  endif()
  message(STATUS "${f}: no CUDA library")
endforeach()
if(MODULE)
  ldd_of(${MODULE} text)
  if(NOT text MATCHES "libcusolver")
    message(FATAL_ERROR "${MODULE} shows no libcusolver: the check cannot see CUDA libraries\n${text}")
  endif()
  message(STATUS "${MODULE}: links ${CMAKE_MATCH_0} (control)")
endif()
