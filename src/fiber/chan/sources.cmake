# spindle::fiber::chan — channels and select (included from ../sources.cmake: the component
# glob in src/CMakeLists.txt looks one folder deep only).
target_sources(spindle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wait_queue.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_base.cpp
  ${CMAKE_CURRENT_LIST_DIR}/parker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/select.cpp)
