// The source location facade operations take as a defaulted last argument: base vocabulary
// (spindle/base/source_location.hpp, shared with the simulator), re-exported by the facade.
#pragma once

#include <spindle/base/source_location.hpp>

namespace spindle::twist {
using base::source_location;
}  // namespace spindle::twist
