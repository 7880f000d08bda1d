// Facade dispatch: picks the backend's mutex for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/mutex.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/mutex.hpp>
#else
#include <spindle/twist/sim/mutex.hpp>
#endif
