# Tests of the faulty backend itself (fault injection, determinism, crash reports); included
# by tests/twist/CMakeLists.txt. They only mean something in faulty mode.
if(SPINDLE_TWIST STREQUAL "faulty")
  spindle_add_test(twist_faulty_test
    SOURCES
      ${CMAKE_CURRENT_SOURCE_DIR}/faulty/crash_report_test.cpp
      ${CMAKE_CURRENT_SOURCE_DIR}/faulty/determinism_test.cpp
      ${CMAKE_CURRENT_SOURCE_DIR}/faulty/one_core_test.cpp
      ${CMAKE_CURRENT_SOURCE_DIR}/faulty/spurious_test.cpp
    LABELS twist faulty unit)
  spindle_add_test(twist_faulty_stress_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/faulty/stress_test.cpp
    LABELS twist faulty stress)
endif()
