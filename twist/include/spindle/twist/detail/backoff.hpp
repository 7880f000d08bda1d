// The backoff both thread backends' spin_wait use: 1, 2, 4, ... pause hints, then yielding
// the OS thread. The backends differ only in how many pause rounds come before yielding and
// in faulty mode's injection point.
#pragma once

#include <cstdint>
#include <thread>

namespace spindle::twist::detail {

// The CPU's spin-loop hint (x86 PAUSE, aarch64 YIELD): saves power and lets an SMT sibling run.
inline void pause_instruction() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  asm volatile("" ::: "memory");
#endif
}

// Exponential backoff: rounds 0 .. SpinRounds-1 pause 2^round times, every later step yields.
template <std::uint32_t SpinRounds>
class exponential_backoff {
 public:
  void step() noexcept {
    if (rounds_ < SpinRounds) {
      for (std::uint32_t i = 0; i < (1u << rounds_); ++i) pause_instruction();
      ++rounds_;
    } else {
      std::this_thread::yield();
    }
  }

  // True once backoff has moved past pausing.
  bool past_spinning() const noexcept { return rounds_ >= SpinRounds; }

  void reset() noexcept { rounds_ = 0; }

 private:
  std::uint32_t rounds_ = 0;
};

}  // namespace spindle::twist::detail
