// Deprecated path: sim::model_check moved to the testing layer as testing::model_check
// (spindle/testing/model_check.hpp). This header keeps code written against the old name
// compiling; new code includes the testing header.
#pragma once

#include <spindle/testing/model_check.hpp>

namespace spindle::sim {
using testing::model_check;  // deprecated: use spindle::testing::model_check
}  // namespace spindle::sim
