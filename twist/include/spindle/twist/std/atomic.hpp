// std backend of twist/atomic.hpp: the facade's atomics ARE the standard ones, so production
// builds pay nothing (tests/twist/zero_cost_test.cpp proves the aliasing; the disassembly
// check proves the code generated for a facade spinlock is the std::atomic one).
#pragma once

#include <atomic>

namespace spindle::twist {

template <class T>
using atomic = std::atomic<T>;

using atomic_flag = std::atomic_flag;

using std::atomic_thread_fence;

}  // namespace spindle::twist
