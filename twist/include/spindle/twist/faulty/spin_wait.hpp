// faulty backend of twist/spin_wait.hpp: the std backend's backoff, with an injection point at
// every step, and fewer pause rounds before should_park() says "park" — so the parking paths
// of spin-then-park primitives run often in stress tests instead of almost never.
#pragma once

#include <cstdint>
#include <thread>

#include <spindle/twist/faulty/detail/injector.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

namespace faulty::detail {
// The CPU's spin-loop hint (x86 PAUSE, aarch64 YIELD), without injection.
inline void pause_instruction() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  asm volatile("" ::: "memory");
#endif
}
}  // namespace faulty::detail

// Tells the core we are in a spin loop; in faulty mode also an injection point, so a hand-written
// spin loop gets preempted now and then.
inline void cpu_relax(source_location where = source_location::current()) noexcept {
  faulty::detail::inject(where);
  faulty::detail::pause_instruction();
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
    if (rounds_ < kSpinRounds) {
      for (std::uint32_t i = 0; i < (1u << rounds_); ++i) faulty::detail::pause_instruction();
      ++rounds_;
    } else {
      std::this_thread::yield();
    }
  }

  // True once backoff has moved past pausing: a caller that can park should park now.
  bool should_park() const noexcept { return rounds_ >= kSpinRounds; }

  void reset() noexcept { rounds_ = 0; }

 private:
  // Fewer than the std backend's 7 on purpose: reaching "park" quickly exercises slow paths.
  static constexpr std::uint32_t kSpinRounds = 3;

  std::uint32_t rounds_ = 0;
};

}  // namespace spindle::twist
