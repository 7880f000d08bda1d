// threads backend of twist/spin_wait.hpp (std and faulty builds): exponential backoff with the
// CPU's pause hint, then yielding the OS thread. In faulty builds every step is also an
// injection point (threads/inject.hpp; nothing in std builds), and should_park() says "park"
// after fewer pause rounds, so the parking paths of spin-then-park primitives run often in
// stress tests instead of almost never.
#pragma once

#include <cstdint>

#include <spindle/twist/detail/backoff.hpp>
#include <spindle/twist/mode.hpp>
#include <spindle/twist/source_location.hpp>
#include <spindle/twist/threads/inject.hpp>

namespace spindle::twist {

// Tells the core we are in a spin loop (x86 PAUSE, aarch64 YIELD): saves power and lets an
// SMT sibling run. In faulty builds also an injection point, so a hand-written spin loop gets
// preempted now and then.
inline void cpu_relax(source_location where = source_location::current()) noexcept {
  threads::inject(where);
  detail::pause_instruction();
}

// One spin loop's backoff state: call it once per failed attempt.
//
//   twist::spin_wait spin;
//   while (locked_.load(std::memory_order_relaxed)) spin();
class spin_wait {
 public:
  // Backs off once: (an injection point,) 1, 2, 4, ... 2^(kSpinRounds-1) pause hints, then
  // yields the thread.
  void operator()(source_location where = source_location::current()) noexcept {
    threads::inject(where);
    backoff_.step();
  }

  // True once backoff has moved past pausing: a caller that can park should park now.
  bool should_park() const noexcept { return backoff_.past_spinning(); }

  void reset() noexcept { backoff_.reset(); }

 private:
  // std: empirical, 2^0 + ... + 2^6 = 127 pauses (~1-4 us on current x86) before yielding.
  // faulty: fewer on purpose: reaching "park" quickly exercises slow paths.
  static constexpr std::uint32_t kSpinRounds = SPINDLE_TWIST_MODE_FAULTY ? 3 : 7;

  detail::exponential_backoff<kSpinRounds> backoff_;
};

}  // namespace spindle::twist
