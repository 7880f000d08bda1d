// Platform leaf: thread names and CPU affinity (Linux; elsewhere names/pins nothing).
#include "thread_placement.hpp"

#include <string>

#include <spindle/twist/mode.hpp>
#include <spindle/twist/thread.hpp>

#if defined(__linux__) && !SPINDLE_TWIST_MODE_SIM
#include <pthread.h>
#include <sched.h>
#define SPINDLE_EXEC_LINUX_THREADS 1
#else
#define SPINDLE_EXEC_LINUX_THREADS 0
#endif

namespace spindle::exec::detail {

namespace {

// The CPU worker `index` goes to, or -1 for none.
int chosen_cpu(const pool_options& options, std::size_t index) noexcept {
  switch (options.pin) {
    case pinning::none:
      return -1;
    case pinning::one_per_core: {
      const unsigned cpus = twist::thread::hardware_concurrency();
      return cpus == 0 ? -1 : static_cast<int>(index % cpus);
    }
    case pinning::cpu_list:
      return options.cpus.empty() ? -1 : options.cpus[index % options.cpus.size()];
  }
  return -1;
}

}  // namespace

void place_current_thread(const pool_options& options, std::size_t index) noexcept {
#if SPINDLE_EXEC_LINUX_THREADS
  try {
    // Linux limits thread names to 15 characters.
    std::string name = options.name + "-" + std::to_string(index);
    if (name.size() > 15) name.resize(15);
    pthread_setname_np(pthread_self(), name.c_str());
  } catch (...) {  // bad_alloc: keep the default name
  }
  if (twist::facade_pins_threads()) return;
  const int cpu = chosen_cpu(options, index);
  if (cpu < 0 || cpu >= CPU_SETSIZE) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
#else
  (void)options;
  (void)index;
  (void)&chosen_cpu;
#endif
}

}  // namespace spindle::exec::detail
