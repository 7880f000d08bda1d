// Internals of the faulty backend shared by its source files: the configuration read from the
// environment, single-core pinning, crash reporting and misuse reports.
#pragma once

#include <atomic>
#include <cstdint>

#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist::faulty::detail {

// The process-wide settings. Each field is read and written with relaxed atomics: it is a
// setting, read afresh at each injection point, and nothing else is published through it.
struct config_state {
  config_state();  // reads SPINDLE_FAULTY_* (a malformed value is a fatal error)

  std::atomic<std::uint64_t> seed;
  std::atomic<std::uint32_t> yield_one_in;
  std::atomic<std::uint32_t> sleep_one_in;
  std::atomic<std::uint32_t> spurious_one_in;
  std::atomic<std::uint32_t> wake_all_one_in;
  std::atomic<std::uint32_t> max_sleep_us;
  std::atomic<placement> where;
  // Written once, in the constructor (before any other thread can see the object).
  bool one_core = false;
  int core = -1;  // the core everything is pinned to under one_core
};

// The settings, read from the environment on first use.
config_state& config() noexcept;

// Pins the calling thread to the chosen core if SPINDLE_FAULTY_ONE_CORE is on.
void pin_this_thread_if_one_core() noexcept;

// Installs the std::terminate handler, the SIGABRT handler and (in sanitized builds) the
// sanitizer report hook, each of which prints the seed to reproduce the run.
void install_crash_report() noexcept;

// Reports misuse of a faulty-mode primitive and aborts.
[[noreturn]] void misuse(const char* what, source_location where) noexcept;

}  // namespace spindle::twist::faulty::detail
