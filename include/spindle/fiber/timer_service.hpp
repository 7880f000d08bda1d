// The clock fibers sleep on: one thread of its own that keeps the sleeping fibers in a
// deadline heap and resumes each when its deadline passes, so a sleeping fiber never blocks a
// worker. fiber::sleep_for uses the service given in options::timers.
//
//   fiber::timer_service timers;              // starts its thread
//   fiber::options opts;
//   opts.timers = &timers;
//   fiber::go(pool, [] { fiber::sleep_for(std::chrono::milliseconds(5)); }, opts);
//   ... wait for the fibers ...
//   timers.stop();                            // or let the destructor do it
//
// Why an explicit object and not a lazily created global: the service owns a thread, and
// every thread must be joined by someone — in sim builds before the simulated run ends, which
// a global created on first use would outlive. So the owner (a test body, an application, a
// fiber pool) decides its lifetime: construct it before the fibers that sleep, stop it after.
//
// stop() resumes every fiber still sleeping at once (their sleeps end early) and joins the
// thread; a sleep that starts after stop() only yields. Stop the service before the
// executors its fibers run on (a fiber resumed on a stopped executor stops the program).
//
// Protocol. Entries (a fiber handle and its deadline, a local of sleep_until on the sleeping
// fiber's stack) live in an intrusive pairing heap guarded by the spinlock lock_.
//   1. sleep_until(): suspend; off the fiber's stack (after_switch): take lock_; if stopped,
//      release it and resume the fiber; else insert the entry, note whether it is the new
//      earliest, release lock_, and if so bump wake_word_ and futex-wake the thread. The
//      entry is not touched after lock_ is released (the thread may fire it at once).
//   2. the thread: read wake_word_ (acquire), take lock_, pop every due entry into a local
//      chain, note the next deadline, release lock_; resume the due fibers (reading each
//      entry's link before resuming it); futex-wait on wake_word_ with the value read before,
//      until the next deadline (or without a timeout if none).
//   No missed earlier deadline: an insert after step 2's read of wake_word_ bumps it, so the
//   futex wait returns at once and the loop looks again.
//   3. stop(): take lock_, set stopped, release it, bump and wake, join. The thread, seeing
//      stopped, resumes every entry left and exits.
// Pairing heaps: M. L. Fredman, R. Sedgewick, D. D. Sleator, R. E. Tarjan, "The pairing heap:
// a new form of self-adjusting heap", Algorithmica 1, 1986 (two-pass pop).
#pragma once

#include <cstdint>

#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/handle.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle::fiber {

class timer_service {
 public:
  // Starts the timer thread.
  timer_service();
  // stop().
  ~timer_service();

  timer_service(const timer_service&) = delete;
  timer_service& operator=(const timer_service&) = delete;

  // Suspends the calling fiber until `deadline` (or until stop()). Fibers only.
  void sleep_until(twist::steady_clock::time_point deadline);

  // Resumes every sleeping fiber now and joins the thread. Idempotent; not to be called
  // concurrently with itself.
  void stop();

 private:
  struct entry {
    twist::steady_clock::time_point deadline;
    handle fiber;
    entry* child = nullptr;    // pairing heap links, guarded by lock_
    entry* sibling = nullptr;
  };

  void insert(entry& e) noexcept;
  void run() noexcept;
  static entry* meld(entry* a, entry* b) noexcept;
  static entry* pop_min(entry* root) noexcept;  // the heap without its root

  core::spinlock lock_;
  struct {
    entry* heap = nullptr;  // the earliest deadline at the root
    bool stopped = false;
  } guarded_;  // guarded by lock_
  // Bumped after an insert that made a new earliest deadline, and by stop(): the thread's
  // futex word.
  twist::atomic<std::uint32_t> wake_word_{0};
  twist::thread thread_;  // last: started once the fields above exist
};

}  // namespace spindle::fiber
