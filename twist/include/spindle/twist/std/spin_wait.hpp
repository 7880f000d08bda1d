// std backend of twist/spin_wait.hpp: exponential backoff with the CPU's pause hint,
// then yielding the OS thread.
#pragma once

#include <cstdint>
#include <thread>

namespace spindle::twist {

// Tells the core we are in a spin loop (x86 PAUSE, aarch64 YIELD): saves power and lets an
// SMT sibling run.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  asm volatile("" ::: "memory");
#endif
}

// One spin loop's backoff state: call it once per failed attempt.
//
//   twist::spin_wait spin;
//   while (locked_.load(std::memory_order_relaxed)) spin();
class spin_wait {
 public:
  // Backs off once: 1, 2, 4, ... 2^(kSpinRounds-1) pause hints, then yields the thread.
  void operator()() noexcept {
    if (rounds_ < kSpinRounds) {
      for (std::uint32_t i = 0; i < (1u << rounds_); ++i) cpu_relax();
      ++rounds_;
    } else {
      std::this_thread::yield();
    }
  }

  // True once backoff has moved past pausing: a caller that can park should park now.
  bool should_park() const noexcept { return rounds_ >= kSpinRounds; }

  void reset() noexcept { rounds_ = 0; }

 private:
  // Empirical: 2^0 + ... + 2^6 = 127 pauses (~1-4 us on current x86) before yielding.
  static constexpr std::uint32_t kSpinRounds = 7;

  std::uint32_t rounds_ = 0;
};

}  // namespace spindle::twist
