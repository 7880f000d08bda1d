# The machine context (src/context): the C++ parts, plus the one assembly file for the target's
# calling convention. include/spindle/context/detail/abi.hpp makes the same choice from the
# compiler's predefined macros, and each .S refuses to build for the wrong one.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  if(CMAKE_SYSTEM_NAME STREQUAL "Windows")
    set(spindle_context_asm x86_64_win64.S)
  else()
    set(spindle_context_asm x86_64_sysv.S)
  endif()
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(spindle_context_asm aarch64.S)
else()
  message(FATAL_ERROR "spindle/context: no context switch for ${CMAKE_SYSTEM_NAME} "
                      "${CMAKE_SYSTEM_PROCESSOR} (x86-64 System V, x86-64 Windows, aarch64)")
endif()

target_sources(spindle_context PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/${spindle_context_asm}
  ${CMAKE_CURRENT_LIST_DIR}/machine_context.cpp
  ${CMAKE_CURRENT_LIST_DIR}/execution_context.cpp
  ${CMAKE_CURRENT_LIST_DIR}/exception_state.cpp)
