// Deprecated path: the RapidCheck glue moved to the testing layer
// (spindle/testing/rapidcheck.hpp: testing::schedule_seed, testing::explore_seed). This header
// keeps code written against the old names compiling; new code includes the testing header.
#pragma once

#include <spindle/testing/rapidcheck.hpp>

namespace spindle::sim {
using testing::explore_seed;   // deprecated: use spindle::testing::explore_seed
using testing::schedule_seed;  // deprecated: use spindle::testing::schedule_seed
}  // namespace spindle::sim
