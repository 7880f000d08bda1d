// Which facade backend this build uses (the build mode every layer may test). Exactly one of SPINDLE_TWIST_MODE_{STD,FAULTY,SIM}
// is defined to 1, by the header CMake generates from the SPINDLE_TWIST option.
#pragma once

#include <spindle/base/build_config.hpp>

#ifndef SPINDLE_TWIST_MODE_STD
#define SPINDLE_TWIST_MODE_STD 0
#endif
#ifndef SPINDLE_TWIST_MODE_FAULTY
#define SPINDLE_TWIST_MODE_FAULTY 0
#endif
#ifndef SPINDLE_TWIST_MODE_SIM
#define SPINDLE_TWIST_MODE_SIM 0
#endif

static_assert(SPINDLE_TWIST_MODE_STD + SPINDLE_TWIST_MODE_FAULTY + SPINDLE_TWIST_MODE_SIM == 1,
              "exactly one facade backend must be selected");

namespace spindle::base {

enum class mode { std_threads, faulty_threads, simulator };

// The backend compiled into this build.
inline constexpr mode current_mode = SPINDLE_TWIST_MODE_STD      ? mode::std_threads
                                     : SPINDLE_TWIST_MODE_FAULTY ? mode::faulty_threads
                                                                 : mode::simulator;

}  // namespace spindle::base
