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
// Protocol. Entries (a deadline, a fiber handle, an optional expiry callback; a local on the
// waiting fiber's stack) live in an intrusive pairing heap guarded by the spinlock lock_.
//   1. arm() (from a suspended fiber's after_switch: sleep_until, sync::waiter::park_until):
//      take lock_; if stopped, expire the entry at once (step 4) and resume its fiber if that
//      says so; else insert it, note whether it is the new earliest, release lock_, and if so
//      bump wake_word_ and futex-wake the thread. The entry is not touched after lock_ is
//      released (the thread may expire it at once).
//   2. the thread: read wake_word_ (acquire), take lock_, pop every due entry and expire it
//      (step 4), chaining the ones to resume; note the next deadline, release lock_; resume the
//      chained fibers (reading each entry's link and handle before resuming it); futex-wait on
//      wake_word_ with the value read before, until the next deadline (or without a timeout if
//      none).
//   No missed earlier deadline: an insert after step 2's read of wake_word_ bumps it, so the
//   futex wait returns at once and the loop looks again.
//   3. stop(): take lock_, set stopped, release it, bump and wake, join. The thread, seeing
//      stopped, expires every entry left (its fiber wakes early) and exits.
//   4. expiry, always under lock_, of an entry already out of the heap: an entry without
//      on_expire (a sleep) is resumed; otherwise on_expire(entry) decides — true: the service
//      resumes the fiber after releasing lock_ (the callback took the right to, e.g. a CAS on
//      a waiter's state); false: the service never touches the entry again.
//   5. disarm(): take lock_; if the entry is still in the heap, unlink it; release lock_.
// TS.TIM1 (an entry's owner may free it after disarm()): the service touches an entry only under
// lock_ while it is armed or being expired, and after lock_ only if expiry said "resume" —
// and then the fiber, whose stack holds the entry, cannot run before that resume. So once
// disarm() has returned, or once the fiber runs after an expiry that resumed it, the service
// is done with the entry.
// TS.TIM2 (one resume per suspension, HD.HANDLE1): a sleep's fiber is published only to the
// service. A waiter's fiber is published to the service and to a waker; on_expire and the waker's
// wake() settle who resumes it with one read-modify-write of the waiter's state (waiter.hpp).
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

  // A pending deadline for a suspended fiber: what sleep_until and a timed
  // fiber::sync::waiter::park_until put in the heap. The caller owns it (a local on the
  // fiber's stack), fills the public fields, then arm()s it from the fiber's after_switch.
  class entry {
   public:
    entry() noexcept = default;
    entry(const entry&) = delete;
    entry& operator=(const entry&) = delete;

    twist::steady_clock::time_point deadline{};
    handle fiber;  // resumed at the deadline (or at stop()) unless on_expire says no
    // Null: always resume. Else called under the service's lock when the entry expires
    // (step 4); returns whether the service resumes `fiber`. Must not block or resume.
    bool (*on_expire)(entry& self) noexcept = nullptr;
    void* context = nullptr;  // for on_expire

   private:
    friend class timer_service;
    // Pairing heap links and membership, guarded by lock_. prev: the parent if this is its
    // leftmost child, else the left sibling (null at the root), so disarm() can unlink it.
    entry* child_ = nullptr;
    entry* sibling_ = nullptr;
    entry* prev_ = nullptr;
    bool armed_ = false;
  };

  // Step 1: puts `e` in the heap (or expires it at once if stopped). Call it from the
  // suspended fiber's after_switch, with e.fiber set; after it, touch `e` only through
  // disarm() (the service may expire it and resume the fiber at once).
  void arm(entry& e) noexcept;

  // Step 5: takes `e` out of the heap if it is still there. Afterwards the service never
  // touches `e` again (TS.TIM1). For an entry whose on_expire may refuse the resume.
  void disarm(entry& e) noexcept;

 private:
  void run() noexcept;
  static entry* meld(entry* a, entry* b) noexcept;
  static entry* pop_min(entry* root) noexcept;  // the heap without its root
  // Under lock_, for an entry out of the heap: step 4. True: resume e.fiber after lock_.
  static bool expire(entry& e) noexcept;

  core::spinlock lock_;
  struct {
    entry* heap = nullptr;  // the earliest deadline at the root
    bool stopped = false;
  } guarded_ SPINDLE_GUARDED_BY(lock_);
  // Bumped after an arm() that made a new earliest deadline, and by stop(): the thread's
  // futex word.
  twist::atomic<std::uint32_t> wake_word_{0};
  twist::thread thread_;  // last: started once the fields above exist
};

}  // namespace spindle::fiber
