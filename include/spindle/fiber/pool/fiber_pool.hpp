// Deprecated path and names: the fiber pool is now the job system — namespace fiber::jobs,
// class job_system (spindle/fiber/jobs/job_system.hpp). This header keeps code written against
// fiber::pool::fiber_pool, job, job_counter, options and priority compiling.
#pragma once

#include <spindle/fiber/jobs/job.hpp>
#include <spindle/fiber/jobs/job_counter.hpp>
#include <spindle/fiber/jobs/job_system.hpp>
#include <spindle/fiber/jobs/options.hpp>

namespace spindle::fiber::pool {
using fiber_pool = jobs::job_system;  // deprecated: use fiber::jobs::job_system
using jobs::job;                      // deprecated: use fiber::jobs::job
using jobs::job_counter;              // deprecated: use fiber::jobs::job_counter
using jobs::options;                  // deprecated: use fiber::jobs::options
using jobs::job_failure_handler;      // deprecated: use fiber::jobs::job_failure_handler
using jobs::priority;                 // deprecated: use fiber::jobs::priority
}  // namespace spindle::fiber::pool
