// core::spinlock guarding plain memory: four threads each add to one counter and append to
// one log under the lock; the totals come out exact. The same source runs on real threads
// (std), with injected faults (faulty), or under the simulator (sim).
#include <cstdio>
#include <mutex>
#include <vector>

#include <spindle/core/spinlock.hpp>
#include <spindle/twist/thread.hpp>

namespace core = spindle::core;
namespace twist = spindle::twist;

int main() {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 100000;

  core::spinlock lock;
  long counter = 0;                   // guarded by lock
  std::vector<int> finish_order;      // guarded by lock

  std::vector<twist::thread> threads;
  for (int id = 0; id < kThreads; ++id) {
    threads.emplace_back([&, id] {
      for (int i = 0; i < kIncrements; ++i) {
        std::lock_guard guard(lock);  // spinlock is Lockable: the standard wrappers work
        ++counter;
      }
      std::lock_guard guard(lock);
      finish_order.push_back(id);
    });
  }
  for (auto& t : threads) t.join();

  std::printf("counter = %ld (expected %ld)\nfinish order:", counter,
              static_cast<long>(kThreads) * kIncrements);
  for (int id : finish_order) std::printf(" %d", id);
  std::printf("\n");
  return counter == static_cast<long>(kThreads) * kIncrements ? 0 : 1;
}
