// Facade: the steady clock toolbox code reads (timeouts, sleep deadlines). Real time in std
// and faulty modes; virtual time, advanced by the scheduler, in sim mode.
#pragma once

#include <chrono>

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_SIM
#error "spindle: the sim backend of the twist facade is not built yet"
#endif

namespace spindle::twist {

using steady_clock = std::chrono::steady_clock;

}  // namespace spindle::twist
