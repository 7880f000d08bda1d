# Every build knob spindle has, and the combinations it refuses (with the reason).

set(SPINDLE_TWIST "std" CACHE STRING "Facade backend: std | faulty | sim")
set_property(CACHE SPINDLE_TWIST PROPERTY STRINGS std faulty sim)

set(SPINDLE_SANITIZE "" CACHE STRING "Sanitizers: '' | address (ASAN+UBSAN) | thread (TSAN)")
set_property(CACHE SPINDLE_SANITIZE PROPERTY STRINGS "" address thread)

get_directory_property(spindle_has_parent PARENT_DIRECTORY)
if(spindle_has_parent)
  set(spindle_is_top OFF)
else()
  set(spindle_is_top ON)
endif()

option(SPINDLE_BUILD_TESTS "Build the test suite" ${spindle_is_top})
option(SPINDLE_BUILD_BENCH "Build the benchmarks" OFF)
option(SPINDLE_BUILD_EXAMPLES "Build the examples" ${spindle_is_top})
option(SPINDLE_WERROR "Treat warnings as errors" OFF)
option(SPINDLE_INSTALL "Generate the install rules and package config" ${spindle_is_top})
option(SPINDLE_CROSS_SUBSET "Build only what the cross-ABI runs need (context, coro)" OFF)

if(NOT SPINDLE_TWIST MATCHES "^(std|faulty|sim)$")
  message(FATAL_ERROR "SPINDLE_TWIST='${SPINDLE_TWIST}': expected std, faulty or sim")
endif()
if(NOT SPINDLE_SANITIZE MATCHES "^(|address|thread)$")
  message(FATAL_ERROR "SPINDLE_SANITIZE='${SPINDLE_SANITIZE}': expected '', address or thread "
                      "(ASAN and TSAN cannot share one binary)")
endif()
if(SPINDLE_TWIST STREQUAL "sim")
  if(SPINDLE_SANITIZE STREQUAL "thread")
    message(FATAL_ERROR "SPINDLE_TWIST=sim with SPINDLE_SANITIZE=thread: the simulator runs every "
                        "simulated thread on one OS thread, so TSAN has no races to see; the "
                        "simulator checks races itself. Use address, or faulty mode for TSAN.")
  endif()
  if(CMAKE_CROSSCOMPILING)
    message(FATAL_ERROR "SPINDLE_TWIST=sim with a cross toolchain: the simulator is tested on the "
                        "native target only; cross builds run std mode.")
  endif()
endif()
if(SPINDLE_SANITIZE AND CMAKE_CROSSCOMPILING)
  message(FATAL_ERROR "SPINDLE_SANITIZE with a cross toolchain: the sanitizer runtimes are not "
                      "available for the emulated targets; sanitize native builds only.")
endif()
if(SPINDLE_SANITIZE AND NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  message(FATAL_ERROR "SPINDLE_SANITIZE needs gcc or clang")
endif()
if(MSVC)
  message(FATAL_ERROR "spindle builds with gcc or clang (mingw-w64 for Windows); MSVC's inline "
                      "assembly and sanitizer fiber APIs differ")
endif()
