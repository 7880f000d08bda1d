// Facade dispatch: picks the backend's spin_wait for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/spin_wait.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/spin_wait.hpp>
#else
#include <spindle/twist/sim/spin_wait.hpp>
#endif
