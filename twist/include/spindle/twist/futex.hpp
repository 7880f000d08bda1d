// Facade dispatch: picks the backend's futex for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/futex.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/futex.hpp>
#else
#include <spindle/twist/sim/futex.hpp>
#endif
