// Facade dispatch: picks the backend's condition_variable for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/condition_variable.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/condition_variable.hpp>
#else
#include <spindle/twist/sim/condition_variable.hpp>
#endif
