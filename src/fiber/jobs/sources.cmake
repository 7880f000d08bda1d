# spindle::fiber::jobs — the job system (Naughty Dog style: jobs run on a fixed set of fibers).
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/job_system.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pool_fiber.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wait_node.cpp
  ${CMAKE_CURRENT_LIST_DIR}/job_counter.cpp)
