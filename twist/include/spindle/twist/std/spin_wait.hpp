// std backend of twist/spin_wait.hpp: exponential backoff with the CPU's pause hint,
// then yielding the OS thread.
#pragma once

#include <cstdint>

#include <spindle/twist/detail/backoff.hpp>

namespace spindle::twist {

// Tells the core we are in a spin loop (x86 PAUSE, aarch64 YIELD): saves power and lets an
// SMT sibling run.
inline void cpu_relax() noexcept { detail::pause_instruction(); }

// One spin loop's backoff state: call it once per failed attempt.
//
//   twist::spin_wait spin;
//   while (locked_.load(std::memory_order_relaxed)) spin();
class spin_wait {
 public:
  // Backs off once: 1, 2, 4, ... 2^(kSpinRounds-1) pause hints, then yields the thread.
  void operator()() noexcept { backoff_.step(); }

  // True once backoff has moved past pausing: a caller that can park should park now.
  bool should_park() const noexcept { return backoff_.past_spinning(); }

  void reset() noexcept { backoff_.reset(); }

 private:
  // Empirical: 2^0 + ... + 2^6 = 127 pauses (~1-4 us on current x86) before yielding.
  static constexpr std::uint32_t kSpinRounds = 7;

  detail::exponential_backoff<kSpinRounds> backoff_;
};

}  // namespace spindle::twist
