// Facade dispatch: picks the backend's shared for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/shared.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/shared.hpp>
#else
#include <spindle/twist/sim/shared.hpp>
#endif
