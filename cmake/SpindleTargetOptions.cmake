# spindle_set_target_options(<target>): the one place that sets warnings, sanitizers and
# the facade mode for a target. Every target in the tree calls it.

function(spindle_set_target_options target)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion
    $<$<BOOL:${SPINDLE_WERROR}>:-Werror>)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # gcc 12 warns about its own std::atomic/std::array code at -O2 in some patterns.
    target_compile_options(${target} PRIVATE -Wno-interference-size)
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # Lock discipline is checked: SPINDLE_GUARDED_BY / SPINDLE_REQUIRES (spindle/base/
    # thread_safety.hpp) are compiler-verified on every clang build (tests/guard/thread_safety).
    target_compile_options(${target} PRIVATE -Wthread-safety)
  endif()
  if(SPINDLE_SANITIZE STREQUAL "address")
    set(flags -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  elseif(SPINDLE_SANITIZE STREQUAL "thread")
    set(flags -fsanitize=thread -fno-omit-frame-pointer)
  endif()
  if(flags)
    target_compile_options(${target} PRIVATE ${flags})
    if(NOT type STREQUAL "STATIC_LIBRARY" AND NOT type STREQUAL "OBJECT_LIBRARY")
      target_link_options(${target} PRIVATE ${flags})
    endif()
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Windows")
    # Run under wine without shipping libstdc++/winpthread DLLs.
    if(NOT type STREQUAL "STATIC_LIBRARY" AND NOT type STREQUAL "OBJECT_LIBRARY")
      target_link_options(${target} PRIVATE -static)
    endif()
  endif()
endfunction()
