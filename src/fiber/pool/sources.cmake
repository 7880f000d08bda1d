# spindle::fiber::pool — the fiber pool (a Naughty Dog style job system on a fixed set of fibers).
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/fiber_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pool_fiber.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wait_node.cpp
  ${CMAKE_CURRENT_LIST_DIR}/job_counter.cpp)
