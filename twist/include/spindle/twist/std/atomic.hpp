// std backend of twist/atomic.hpp: the facade's atomics ARE the standard ones, so production
// builds pay nothing (tests/twist/facade_test.cpp static_asserts the aliasing; the disassembly
// check in tests/core/zero_cost/ proves a facade spinlock compiles to the std::atomic one).
#pragma once

#include <atomic>

namespace spindle::twist {

template <class T>
using atomic = std::atomic<T>;

using atomic_flag = std::atomic_flag;

using std::atomic_thread_fence;

}  // namespace spindle::twist
