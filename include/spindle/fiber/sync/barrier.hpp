// A cyclic barrier for fibers and threads: `parties` callers meet in arrive_and_wait(); each
// blocks (a fiber suspends, a thread parks on a futex) until the last of them arrives, then
// all return together and the barrier is at once ready for the next generation (phase).
// Optionally a completion function runs once per generation, on the last arriver, after
// everyone has arrived and before anyone is released (as std::barrier's completion step).
//
//   fiber::sync::barrier sync(3, [&]() noexcept { ++generation; });
//   for (int p = 0; p < 3; ++p) {
//     fiber::go(pool, [&, p] {
//       for (int step = 0; step < 10; ++step) {
//         compute(p, step);
//         sync.arrive_and_wait();       // every compute(_, step) and the completion are
//       }                               // visible to every party after this returns
//     });
//   }
//
// Protocol. guarded_ (arrivals of the current generation, waiters_, completing) is guarded
// by the spinlock lock_. There is no generation number: a waiter is released by a wake() of
// its own node, so it cannot confuse two generations.
//   1. arrive_and_wait(): take lock_; count the arrival. Not the last: push our waiter,
//      release lock_, park. Return when woken.
//   2. the last arriver (arrivals == parties): move waiters_ into a local list, set arrivals
//      to 0 (the next generation starts empty) and, if there is a completion, completing;
//      release lock_.
//   3. with a completion: run it (outside lock_: it may block or suspend), then take lock_,
//      clear completing, release lock_.
//   4. wake each waiter from the local list, reading the next link before waking it.
// BR.BAR1 (nobody arrives for the next generation before step 4): every party of this
// generation is either parked (step 1) or the last arriver; a party arrives again only after
// its arrive_and_wait() returned, i.e. after it was woken in step 4. So in steps 2-3 the only
// possible arrivals are extra ones (more callers than parties, or the completion function
// itself): step 1 finds completing set and stops the program.
// No lost wakeup: a waiter enqueues under lock_ before the last arrival is counted (lock_
// orders them), so the last arriver's step 2 finds it.
// Happens-before: each arrival releases lock_ after counting itself; the last arriver
// acquires lock_ after all of them, then runs the completion, then wakes (release) each
// waiter, whose park() returns (acquire). So everything every party did before arriving,
// and the completion, happen-before every party's return.
// Destruction (BR.BAR2): the last arriver touches the barrier only before its first wake()
// (steps 2-3), and a waiter returns only after being woken. So once any party's final
// arrive_and_wait() has returned (no further arrivals to come), the barrier may be destroyed
// at once, e.g. by that party, even while the last arriver is still waking the others.
//
// Misuse caught: zero parties (always); an arrival while the completion runs — more
// arrivals than parties, or arrive_and_wait() from the completion function (always);
// destroying a barrier that fibers or threads wait on (debug). An extra arrival at another
// moment cannot be told from the next generation's and is not detected.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/sync/waiter.hpp>

namespace spindle::fiber::sync {

namespace detail {

// The completion of a barrier that has none.
struct no_completion {
  void operator()() const noexcept {}
};

// The barrier's protocol, not a template: barrier<Completion> adds only the completion.
class barrier_base {
 public:
  barrier_base(const barrier_base&) = delete;
  barrier_base& operator=(const barrier_base&) = delete;
  barrier_base(barrier_base&&) = delete;
  barrier_base& operator=(barrier_base&&) = delete;

  std::uint32_t parties() const noexcept { return parties_; }

 protected:
  using completion_fn = void (*)(void* context) noexcept;

  explicit barrier_base(std::uint32_t parties);
  ~barrier_base();

  // Steps 1-4; the last arriver calls complete(context) in step 3 unless it is null.
  void arrive_and_wait(completion_fn complete, void* context);

 private:
  const std::uint32_t parties_;
  core::spinlock lock_;
  struct {
    std::uint32_t arrivals = 0;  // of the current generation, < parties_ between generations
    bool completing = false;     // the last arriver runs the completion (BR.BAR1)
    core::intrusive::queue<waiter, waiter_tag> waiters;  // this generation's, oldest first
  } guarded_ SPINDLE_GUARDED_BY(lock_);
};

}  // namespace detail

template <class Completion = detail::no_completion>
class barrier : public detail::barrier_base {
  static_assert(std::is_nothrow_invocable_v<Completion&>,
                "spindle::fiber::sync::barrier: the completion function must be invocable "
                "with no arguments and noexcept (as the standard library barrier requires)");

 public:
  // A barrier for `parties` (> 0) callers per generation; `completion` runs once per
  // generation on the last arriver before anyone is released.
  explicit barrier(std::uint32_t parties, Completion completion = Completion())
      : barrier_base(parties), completion_(std::move(completion)) {}

  // Blocks the calling fiber or thread until `parties()` callers have arrived in this
  // generation (and the completion has run), then returns in all of them.
  void arrive_and_wait() {
    if constexpr (std::is_same_v<Completion, detail::no_completion>) {
      barrier_base::arrive_and_wait(nullptr, nullptr);
    } else {
      barrier_base::arrive_and_wait(
          [](void* self) noexcept { (*static_cast<Completion*>(self))(); }, &completion_);
    }
  }

 private:
  // Called only by a generation's last arriver, before anyone is released (BR.BAR1).
  Completion completion_;
};

template <class Completion>
barrier(std::uint32_t, Completion) -> barrier<Completion>;

}  // namespace spindle::fiber::sync
