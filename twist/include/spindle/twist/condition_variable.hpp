// Facade dispatch: picks the backend's condition_variable for this build (see docs/facade.md):
// the threads backend (std and faulty builds) or the simulator's.
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_SIM
#include <spindle/twist/sim/condition_variable.hpp>
#else
#include <spindle/twist/threads/condition_variable.hpp>
#endif
