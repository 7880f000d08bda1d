// Facade dispatch: picks the backend's random for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/random.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/random.hpp>
#else
#include <spindle/twist/sim/random.hpp>
#endif
