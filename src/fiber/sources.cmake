# spindle::fiber — fibers on executors, their timer service and stacks; the synchronization
# (sync/), channels (chan/) and the job system (jobs/) list their own sources.
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/fiber.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stack_allocator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/slab_stack_allocator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/timer_service.cpp)
# One level below: src/CMakeLists.txt globs one level only.
include(${CMAKE_CURRENT_LIST_DIR}/sync/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/chan/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/jobs/sources.cmake)
