// Which facade backend this build uses: twist::mode and twist::current_mode. The build mode is
// base vocabulary (spindle/base/mode.hpp, so the simulator can test it too); the facade
// re-exports it under its own name.
#pragma once

#include <spindle/base/mode.hpp>

namespace spindle::twist {
using base::current_mode;
using base::mode;
}  // namespace spindle::twist
