# spindle::coro — the stackful coroutine.
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/coroutine.cpp)
