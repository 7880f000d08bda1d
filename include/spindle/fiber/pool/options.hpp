// Deprecated path: the fiber pool is now the job system, fiber::jobs
// (spindle/fiber/jobs/options.hpp). Kept so code written against fiber::pool still compiles.
#pragma once

#include <spindle/fiber/pool/fiber_pool.hpp>
