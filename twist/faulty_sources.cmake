# Sources the threads backend adds in faulty builds (the injector, its settings, the crash
# report, the futex mutex and condition variable); included by twist/CMakeLists.txt when
# SPINDLE_TWIST=faulty. src/threads/ (the OS futex, twist::random) is shared with std builds
# and listed there.
target_sources(spindle_twist PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/condition_variable.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/crash_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/injector.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/faulty/mutex.cpp)
