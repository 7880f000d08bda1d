# spindle::fiber — fibers on executors, their timer service and synchronization.
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/fiber.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stack_allocator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/slab_stack_allocator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/timer_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/waiter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mutex.cpp
  ${CMAKE_CURRENT_LIST_DIR}/event.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wait_group.cpp
  ${CMAKE_CURRENT_LIST_DIR}/barrier.cpp
  ${CMAKE_CURRENT_LIST_DIR}/semaphore.cpp
  ${CMAKE_CURRENT_LIST_DIR}/condition_variable.cpp)
include(${CMAKE_CURRENT_LIST_DIR}/chan/sources.cmake)
# The fiber pool lists its own sources (one level below: src/CMakeLists.txt globs one level).
include(${CMAKE_CURRENT_LIST_DIR}/pool/sources.cmake)
