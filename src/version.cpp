#include <spindle/version.hpp>

#include <spindle/twist/mode.hpp>

namespace spindle {

std::string_view version() noexcept { return SPINDLE_VERSION_STRING; }

std::string_view twist_mode() noexcept { return SPINDLE_TWIST_MODE_NAME; }

}  // namespace spindle
