// Facade dispatch: picks the backend's thread for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/thread.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/thread.hpp>
#else
#include <spindle/twist/sim/thread.hpp>
#endif
