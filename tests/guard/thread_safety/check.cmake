# cmake -P script: compiles one snippet with the flags, include directories and definitions the
# project gives its own targets (spindle_set_target_options), and checks the thread-safety
# analysis' verdict on it.
#   -DCXX=<compiler> -DSOURCE=<snippet> -DEXPECT=reject|accept
#   -DOPTIONS=<a|b|...> -DINCLUDES=<a|b|...> -DDEFINITIONS=<a|b|...> (lists joined with '|')
#   -DDIAGNOSTIC=<regex> (reject: each ';'-free regex, '|'-joined, must appear in the output)
# reject: the compiler must report the violation as a -Wthread-safety diagnostic (and, when
# the flags carry -Werror, as it does in every preset, the compile must fail).
# accept: the compile must succeed with no thread-safety diagnostic at all.
cmake_minimum_required(VERSION 3.22)  # IN_LIST
foreach(var CXX SOURCE EXPECT OPTIONS INCLUDES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check.cmake: -D${var}=... is missing")
  endif()
endforeach()

string(REPLACE "|" ";" options "${OPTIONS}")
string(REPLACE "|" ";" includes "${INCLUDES}")
string(REPLACE "|" ";" definitions "${DEFINITIONS}")
set(args -std=c++20 -fsyntax-only)
foreach(option IN LISTS options)
  if(NOT option STREQUAL "")
    list(APPEND args "${option}")
  endif()
endforeach()
foreach(dir IN LISTS includes)
  if(NOT dir STREQUAL "")
    list(APPEND args "-I${dir}")
  endif()
endforeach()
foreach(definition IN LISTS definitions)
  if(NOT definition STREQUAL "")
    list(APPEND args "-D${definition}")
  endif()
endforeach()
if(NOT "-Wthread-safety" IN_LIST args)
  message(FATAL_ERROR "the project's flags for clang lack -Wthread-safety "
                      "(cmake/SpindleTargetOptions.cmake): ${args}")
endif()

execute_process(COMMAND ${CXX} ${args} ${SOURCE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
message(STATUS "${CXX} ... ${SOURCE}: exit ${rc}\n${output}")

if(EXPECT STREQUAL "reject")
  string(REPLACE "|" ";" diagnostics "${DIAGNOSTIC}")
  foreach(diagnostic IN LISTS diagnostics)
    if(NOT output MATCHES "${diagnostic}")
      message(FATAL_ERROR "expected the diagnostic /${diagnostic}/: the thread-safety analysis "
                          "did not catch the violation in ${SOURCE}")
    endif()
  endforeach()
  if(NOT output MATCHES "-Wthread-safety")
    message(FATAL_ERROR "the diagnostics in ${SOURCE} are not -Wthread-safety ones")
  endif()
  if("-Werror" IN_LIST args AND rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled although the flags carry -Werror")
  endif()
  message(STATUS "rejected, as expected")
elseif(EXPECT STREQUAL "accept")
  if(NOT rc EQUAL 0 OR output MATCHES "-Wthread-safety")
    message(FATAL_ERROR "${SOURCE} should compile cleanly (its locks are held)")
  endif()
  message(STATUS "accepted, as expected")
else()
  message(FATAL_ERROR "check.cmake: EXPECT must be reject or accept, not '${EXPECT}'")
endif()
