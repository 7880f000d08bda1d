// Facade dispatch: picks the backend's spin_wait for this build (see docs/facade.md):
// the threads backend (std and faulty builds) or the simulator's.
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_SIM
#include <spindle/twist/sim/spin_wait.hpp>
#else
#include <spindle/twist/threads/spin_wait.hpp>
#endif
