// Holds a stress test's threads at the start line until all have arrived, so they run their
// loops at the same time instead of one after another as they are created (a thread that
// finishes before the next one starts tests nothing).
#pragma once

#include <cstddef>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle::test {

class start_gate {
 public:
  explicit start_gate(std::size_t parties) : not_arrived_(parties) {}

  // Waits until all `parties` threads have called it.
  void arrive_and_wait() noexcept {
    // relaxed: the gate orders no data; the threads' own protocol under test does.
    not_arrived_.fetch_sub(1, std::memory_order_relaxed);
    while (not_arrived_.load(std::memory_order_relaxed) != 0) twist::this_thread::yield();
  }

 private:
  twist::atomic<std::size_t> not_arrived_;
};

}  // namespace spindle::test
