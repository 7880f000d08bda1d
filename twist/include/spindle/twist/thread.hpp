// Facade dispatch: picks the backend's thread for this build (see docs/facade.md): the threads
// backend (std and faulty builds) or the simulator's. Also the facade's one query about thread
// placement, so code that pins threads need not know the backends.
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_SIM
#include <spindle/twist/sim/thread.hpp>
#else
#include <spindle/twist/threads/thread.hpp>
#endif

namespace spindle::twist {

// True when the facade itself decides which CPUs threads run on (faulty builds under
// SPINDLE_FAULTY_ONE_CORE=1 pin main and every twist::thread to one core): code that places
// threads (exec's pool pinning) should then leave their affinity alone.
#if SPINDLE_TWIST_MODE_FAULTY
bool facade_pins_threads() noexcept;  // twist/src/faulty/config.cpp
#else
constexpr bool facade_pins_threads() noexcept { return false; }
#endif

}  // namespace spindle::twist
