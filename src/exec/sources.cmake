# spindle::exec — executors (issue 5): the interface, inline/manual/strand, the pools.
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/executor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/manual_executor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/strand.cpp
  ${CMAKE_CURRENT_LIST_DIR}/worker_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/thread_placement.cpp
  ${CMAKE_CURRENT_LIST_DIR}/global_queue_policy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/work_stealing_policy.cpp)
