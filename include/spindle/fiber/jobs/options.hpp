// Options of a fiber::jobs::job_system: its worker threads, its fixed set of fibers, their
// stacks, and what a throwing job does.
//
//   fiber::jobs::options opts;
//   opts.workers = 6;                       // default: hardware concurrency
//   opts.fibers = 160;                      // Naughty Dog ran 160 fibers (GDC 2015)
//   opts.pin = exec::pinning::one_per_core; // worker i on CPU i
//   fiber::jobs::job_system pool(opts);
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <vector>

#include <spindle/context/stack.hpp>
#include <spindle/exec/pool_options.hpp>

namespace spindle::fiber::jobs {

// Called on the worker that ran a job an exception escaped from. The job still counts as
// finished: its counter is decremented after the handler returns.
using job_failure_handler = void (*)(std::exception_ptr error) noexcept;

// The default: prints "spindle: job_system job threw: <what>" and calls std::terminate.
[[noreturn]] void terminate_on_job_failure(std::exception_ptr error) noexcept;

struct options {
  // Worker threads; 0 means twist::thread::hardware_concurrency() (at least 1).
  std::size_t workers = 0;
  // Fibers, all created with their stacks by the constructor; the pool never makes more. It
  // bounds how many jobs can be in flight at once (running, or waiting on a counter): see
  // "all fibers waiting" in job_system.hpp. At least 1.
  std::size_t fibers = 128;
  // Usable stack bytes of each fiber (rounded up to pages).
  std::size_t stack_size = context::stack::default_size;
  // Threads are named "<name>-<index>" (Linux keeps 15 characters); reports name the pool.
  std::string name = "fiber-pool";
  // CPU placement of the workers, as exec pools do (ignored in sim builds and with
  // SPINDLE_FAULTY_ONE_CORE=1).
  exec::pinning pin = exec::pinning::none;
  std::vector<int> cpus;  // for exec::pinning::cpu_list
  // Jobs each priority's queue holds before it grows (growing allocates; a steady state that
  // stays under it never does).
  std::size_t queue_capacity = 1024;
  job_failure_handler on_job_failure = &terminate_on_job_failure;
};

}  // namespace spindle::fiber::jobs
