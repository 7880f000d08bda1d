// faulty backend of twist/spin_wait.hpp: the std backend's backoff, with an injection point at
// every step, and fewer pause rounds before should_park() says "park" — so the parking paths
// of spin-then-park primitives run often in stress tests instead of almost never.
#pragma once

#include <cstdint>

#include <spindle/twist/detail/backoff.hpp>
#include <spindle/twist/faulty/detail/injector.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

// Tells the core we are in a spin loop; in faulty mode also an injection point, so a hand-written
// spin loop gets preempted now and then.
inline void cpu_relax(source_location where = source_location::current()) noexcept {
  faulty::detail::inject(where);
  detail::pause_instruction();
}

// One spin loop's backoff state: call it once per failed attempt.
//
//   twist::spin_wait spin;
//   while (locked_.load(std::memory_order_relaxed)) spin();
class spin_wait {
 public:
  // Backs off once: an injection point, then 1, 2, ... 2^(kSpinRounds-1) pause hints, then
  // yielding the thread.
  void operator()(source_location where = source_location::current()) noexcept {
    faulty::detail::inject(where);
    backoff_.step();
  }

  // True once backoff has moved past pausing: a caller that can park should park now.
  bool should_park() const noexcept { return backoff_.past_spinning(); }

  void reset() noexcept { backoff_.reset(); }

 private:
  // Fewer than the std backend's 7 on purpose: reaching "park" quickly exercises slow paths.
  static constexpr std::uint32_t kSpinRounds = 3;

  detail::exponential_backoff<kSpinRounds> backoff_;
};

}  // namespace spindle::twist
