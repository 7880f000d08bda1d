// A test-and-set spinlock whose unlock is a relaxed store (sim builds only). The simulator's
// race detector reports the counter the lock is supposed to protect, the failure replays from
// its token, and bounded DFS proves the release-store version.
//
// Every interleaving the simulator runs is sequentially consistent, so the counter never comes
// out wrong here, and on x86 it would not either. The bug is in the memory model: a relaxed
// store publishes nothing, so the next holder's acquire exchange synchronizes with no one and
// its access to the counter is not ordered after the previous holder's (a data race: undefined
// behaviour, and a real lost update on weakly ordered hardware such as ARM). The detector takes
// happens-before only from the declared orders, so it sees the race in the very first schedule.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>

#include <spindle/base/config.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/spin_wait.hpp>
#include <spindle/twist/thread.hpp>

#include "sim_demo.hpp"

namespace twist = spindle::twist;

namespace {

// A test-and-set lock; UnlockOrder is the planted choice (relaxed: broken, release: fixed).
template <std::memory_order UnlockOrder>
class spinlock {
 public:
  void lock() {
    twist::spin_wait spin;
    // acquire: pairs with the store in unlock() (when that store is a release).
    while (locked_.exchange(1, std::memory_order_acquire) != 0) spin();
  }

  void unlock() { locked_.store(0, UnlockOrder); }

 private:
  twist::atomic<std::uint32_t> locked_{0};
};

constexpr int kThreads = 2;
constexpr int kIncrements = 2;

template <std::memory_order UnlockOrder>
void threads_increment_a_counter() {
  spinlock<UnlockOrder> lock;
  twist::shared<int> counter;  // guarded by lock
  auto work = [&] {
    for (int i = 0; i < kIncrements; ++i) {
      std::lock_guard guard(lock);
      counter.write(counter.read() + 1);
    }
  };
  twist::thread a(work);
  twist::thread b(work);
  a.join();
  b.join();
  SPINDLE_VERIFY(counter.read() == kThreads * kIncrements, "an increment was lost");
}

}  // namespace

int main() {
  std::printf("spinlock whose unlock() is a relaxed store, guarding a counter\n");
  return spindle::examples::run_demo({"relaxed_unlock", spindle::sim::outcome::data_race,
                                      threads_increment_a_counter<std::memory_order_relaxed>,
                                      threads_increment_a_counter<std::memory_order_release>});
}
