// Deprecated path: the configuration header moved to the base layer
// (spindle/base/config.hpp). Kept so code that includes the old path still compiles.
#pragma once

#include <spindle/base/config.hpp>
