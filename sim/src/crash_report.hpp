// What the simulator says when the simulated program takes the whole process down: on
// std::terminate, abort() (a failed assert()), or a fatal signal (SIGSEGV, SIGBUS, SIGFPE,
// SIGILL) inside a simulated thread, it prints which thread was at which step, the tail of the
// trace, and the replay token of the run so far, then lets the process die as it would have.
#pragma once

#include <cstdint>

#include <spindle/sim/options.hpp>

namespace spindle::sim::detail {

class world;

// Installs the handlers for an exploration's lifetime (restores the previous ones after).
class crash_report_scope {
 public:
  crash_report_scope(const options& opts, world& w);
  ~crash_report_scope();
  crash_report_scope(const crash_report_scope&) = delete;
  crash_report_scope& operator=(const crash_report_scope&) = delete;

  // The seed of the run now starting (it is part of the token).
  void set_run_seed(std::uint64_t seed) noexcept;
};

}  // namespace spindle::sim::detail
