// Library identity: version and the facade mode it was built with.
#pragma once

#include <string_view>

namespace spindle {

// "MAJOR.MINOR.PATCH" of this build.
std::string_view version() noexcept;

// "std", "faulty" or "sim": the twist backend this build of the library uses. A program must
// link one build of spindle; mixing modes in one binary is an ODR violation.
std::string_view twist_mode() noexcept;

}  // namespace spindle
