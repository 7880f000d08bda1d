// Facade dispatch: picks the backend's atomic for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/atomic.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/atomic.hpp>
#else
#include <spindle/twist/sim/atomic.hpp>
#endif
