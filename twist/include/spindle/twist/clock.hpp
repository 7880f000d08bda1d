// Facade: the steady clock toolbox code reads (timeouts, sleep deadlines). Real time in std
// and faulty modes; virtual time, advanced by the scheduler, in sim mode.
#pragma once

#include <chrono>

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_SIM
#include <spindle/twist/sim/clock.hpp>
#else

namespace spindle::twist {

using steady_clock = std::chrono::steady_clock;

}  // namespace spindle::twist

#endif  // SPINDLE_TWIST_MODE_SIM
