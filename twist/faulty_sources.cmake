# Sources of the faulty backend (real threads + fault injection); included by
# twist/CMakeLists.txt when SPINDLE_TWIST=faulty. src/futex_std.cpp (the OS futex) is shared
# with the std backend and listed there.
target_sources(spindle_twist PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/condition_variable.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/crash_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/injector.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/mutex.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/random.cpp)
