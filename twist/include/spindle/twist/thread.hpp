// Facade dispatch: picks the backend's thread for this build (see docs/facade.md).
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD
#include <spindle/twist/std/thread.hpp>
#elif SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/thread.hpp>
#else
#error "spindle: the sim backend of the twist facade is not built yet"
#endif
