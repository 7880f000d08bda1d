// A one-shot event with a planted lost wakeup (sim builds only). The simulator finds the
// schedule that loses the wakeup (a deadlock), replays it from its token, and proves the fix
// with bounded DFS.
//
// The event keeps two words: `fired_`, the condition, and `epoch_`, the futex word a waiter
// sleeps on (fire() bumps it, then wakes). The broken wait() checks the condition first and
// only then reads the value it will sleep on:
//
//   waiter                                firer
//   fired_.load() == 0
//                                         fired_.store(1); epoch_ 0 -> 1; wake_all (nobody)
//   seen = epoch_.load()       // 1
//   futex::wait(epoch_, 1)     // sleeps: the wake it needed came and went
//
// futex::wait(word, old) closes the window between "check" and "sleep" only for changes made
// after `old` was read. So the fix reads the futex word *before* the check: a fire() the check
// misses then bumps the word after the snapshot, and the wait returns at once.
#include <atomic>
#include <cstdint>
#include <cstdio>

#include <spindle/base/config.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "sim_demo.hpp"

namespace twist = spindle::twist;

namespace {

// wait() blocks until fire() has been called (once). fire() touches epoch_ after the store
// that lets a waiter return, so the event must outlive fire(): here the test body owns it,
// fires it and joins the waiter.
template <bool SnapshotFirst>
class event {
 public:
  void wait() {
    for (;;) {
      std::uint32_t seen = 0;
      // acquire: pairs with the release increment in fire(); reading the new epoch makes the
      // store to fired_ visible too.
      if (SnapshotFirst) seen = epoch_.load(std::memory_order_acquire);
      // acquire: pairs with the release store in fire() (publishes what the firer wrote).
      if (fired_.load(std::memory_order_acquire) != 0) return;
      if (!SnapshotFirst) seen = epoch_.load(std::memory_order_acquire);  // the bug: too late
      twist::futex::wait(epoch_, seen, std::memory_order_relaxed);  // may return spuriously
    }
  }

  void fire() {
    fired_.store(1, std::memory_order_release);  // release: pairs with wait()'s acquire load
    const twist::futex::wake_key key = twist::futex::prepare_wake(epoch_);
    epoch_.fetch_add(1, std::memory_order_release);  // release: pairs with the snapshot load
    twist::futex::wake_all(key);
  }

 private:
  twist::atomic<std::uint32_t> fired_{0};
  twist::atomic<std::uint32_t> epoch_{0};  // the futex word
};

// The test body: a waiter reads a payload the main thread wrote before firing the event.
template <bool SnapshotFirst>
void waiter_reads_payload() {
  event<SnapshotFirst> ready;
  twist::shared<int> payload;  // plain memory, published by fire()
  twist::thread waiter([&] {
    ready.wait();
    SPINDLE_VERIFY(payload.read() == 42, "the waiter saw the event but not the payload");
  });
  payload.write(42);
  ready.fire();
  waiter.join();
}

}  // namespace

int main() {
  std::printf("one-shot event, wait() checks the flag before reading the futex word\n");
  return spindle::examples::run_demo({"lost_wakeup", spindle::sim::outcome::deadlock,
                                      waiter_reads_payload<false>, waiter_reads_payload<true>});
}
