# spindle::fiber::sync — the fiber synchronization primitives (include/spindle/fiber/sync/).
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/waiter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mutex.cpp
  ${CMAKE_CURRENT_LIST_DIR}/event.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wait_group.cpp
  ${CMAKE_CURRENT_LIST_DIR}/barrier.cpp
  ${CMAKE_CURRENT_LIST_DIR}/semaphore.cpp
  ${CMAKE_CURRENT_LIST_DIR}/condition_variable.cpp)
