# context::stack, stack_pool, stack_slab and stack-overflow reports (the rest of src/context
# is in sources.cmake). The platform halves are leaf files picked here.
target_sources(spindle_context PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/stack.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stack_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stack_slab.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stack_overflow_scope.cpp)
if(CMAKE_SYSTEM_NAME STREQUAL "Windows")
  target_sources(spindle_context PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/stack_memory_windows.cpp
    ${CMAKE_CURRENT_LIST_DIR}/stack_overflow_windows.cpp)
else()
  target_sources(spindle_context PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/stack_memory_posix.cpp
    ${CMAKE_CURRENT_LIST_DIR}/stack_overflow_posix.cpp)
endif()
