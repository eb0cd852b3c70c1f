# cmake -DOXCTL=<oxctl> -DOUTPUT=<oxctl.1> -P GenerateOxctlMan.cmake
# Writes oxctl's man page from its command table. Until `oxctl help --man` prints roff, it
# writes nothing (and removes a stale page) and says so: the install rule for it is OPTIONAL.
execute_process(COMMAND ${OXCTL} help --man
                OUTPUT_VARIABLE page ERROR_VARIABLE error RESULT_VARIABLE result)
if(result EQUAL 0 AND page MATCHES "(^|\n)\\.TH ")
  file(WRITE ${OUTPUT} "${page}")
else()
  file(REMOVE ${OUTPUT})
  message(STATUS "oxctl.1 not generated: `oxctl help --man` gave no man page (${result}): ${error}")
endif()
