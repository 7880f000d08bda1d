// Options of the worker pools (compute_pool, fast_pool, or a worker_pool built from a policy).
//
//   exec::pool_options options;
//   options.workers = 4;                                  // default: hardware concurrency
//   options.name = "render";                              // threads "render-0", "render-1" ...
//   options.pin = exec::pinning::one_per_core;            // worker i on CPU i % CPUs
//   options.on_task_failure = [](const exec::task_failure& f) { log(f); };
//   exec::fast_pool pool(options);
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <spindle/exec/task_failure.hpp>

namespace spindle::exec {

enum class pinning {
  none,          // the OS places the workers
  one_per_core,  // worker i runs on CPU i % (number of CPUs)
  cpu_list,      // worker i runs on cpus[i % cpus.size()]
};

// The compute pool's global queue: a mutex-guarded list (unbounded, honours hint::next), or a
// lock-free bounded ring (Vyukov's MPMC) that spills into a mutex-guarded list when full.
enum class global_queue_kind { mutex, lock_free };

struct pool_options {
  // Number of worker threads; 0 means twist::thread::hardware_concurrency() (at least 1).
  std::size_t workers = 0;
  // Names the pool (error reports, name()) and its threads: "<name>-<index>" (Linux keeps the
  // first 15 characters).
  std::string name = "pool";
  // CPU placement (ignored in sim mode, and in faulty mode with SPINDLE_FAULTY_ONE_CORE=1).
  pinning pin = pinning::none;
  std::vector<int> cpus;  // for pinning::cpu_list
  // Called when an exception escapes a task (task_failure.hpp).
  error_handler on_task_failure = &terminate_on_task_failure;
  // compute_pool only.
  global_queue_kind global_queue = global_queue_kind::mutex;
  std::size_t lock_free_capacity = 1024;  // rounded up to a power of two
};

}  // namespace spindle::exec
