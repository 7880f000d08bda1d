// A worker's bounded work-stealing deque in the fast pool: the owner pushes and pops at the
// bottom (newest first: a fork-join tree is walked depth-first, so the queue stays small);
// other workers steal from the top (oldest first: the biggest subtrees).
//
// Algorithm: the Chase-Lev deque (D. Chase, Y. Lev, "Dynamic Circular Work-Stealing Deque",
// SPAA 2005) with the C11 memory orders of N. M. Lê, A. Pop, A. Cohen, F. Zappa Nardelli,
// "Correct and Efficient Work-Stealing for Weak Memory Models", PPoPP 2013 (Fig. 1), made
// bounded: instead of growing, a full deque moves its older half to the pool's injection queue
// (as Tokio's and Go's run queues do). Indices are 64-bit and only grow (top never moves back,
// so a stale top never matches a later one: no ABA); a slot is index & kMask.
//
// Two departures from Lê et al., both for the C++20 model the simulator checks:
//   - every store of bottom_ is a release store (theirs: a release fence in push, relaxed
//     stores in take). C++20 dropped "later stores by the same thread" from release sequences
//     (P0982), so a thief that reads the value written by pop()'s relaxed store would not
//     synchronize with the push that wrote the slot it then reads. A release store is a plain
//     `mov` on x86.
//   - no release fence in push: the release store of bottom_ publishes the slot.
//
// Protocol (b = bottom_, t = top_; the tasks are the slots [t, b)):
//   1. push (owner): t = top (acquire). If b - t < kCapacity: write slot b, bottom = b + 1
//      (release). Full: claim the older half with one CAS of top, t -> t + kCapacity / 2, and
//      move it and the new task to the injection queue as one batch (OVERFLOW); if the CAS
//      fails a thief took tasks, so there is room: retry.
//   2. pop (owner): bottom = b - 1 (release); fence(seq_cst); t = top. If t < b - 1 the slot
//      b - 1 is ours without a CAS. If t == b - 1 it is the last task: CAS top t -> t + 1 to
//      race thieves for it, then bottom = b. If t > b - 1 the deque was empty: bottom = b.
//   3. steal (thief): t = top (acquire); fence(seq_cst); b = bottom (acquire). If t < b: read
//      slot t, CAS top t -> t + 1; the task is ours if the CAS succeeds.
//   4. steal_into (thief): skip the deque if a fence-free look finds it empty (a searcher's
//      sweep meets mostly empty deques). Else n = ceil(size / 2) for the size seen first,
//      then up to n rounds of step 3, each re-reading top and bottom, stopping at the first
//      empty or lost round. The first task taken is returned to run; the others are pushed
//      on the thief's own deque.
//
// Why a batch is n single steals and not one CAS of top by n (as Tokio's FIFO ring does):
// the owner takes slot b - 1 without a CAS whenever it saw t < b - 1 (step 2). A thief that
// claimed [t, t + n) with one CAS from a bottom it read before the owner's last few pops
// could claim slots the owner has already taken; a single steal can only ever collide with
// the owner on the last task, which both sides CAS for. (crossbeam-deque steals one at a time
// for its LIFO flavour for the same reason.) The owner's OVERFLOW may CAS top by n: the
// owner is not popping meanwhile.
//
// Correctness:
//   WS.DQ1  Each index in [t, b) goes to exactly one consumer. Every claim at the top (steal,
//           OVERFLOW) is a CAS of top that moves it past exactly the index(es) it takes, and top
//           never decreases. The owner's claim at the bottom is exclusive with a thief's claim of
//           the same index: by the two seq_cst fences (C++20 [atomics.order]: if the owner's pop
//           read a top older than the top a thief read, the owner's fence precedes the thief's
//           in S), either the thief's bottom load sees the owner's decrement — and finds no task
//           at that index — or the owner's top load sees the thief's top, and then for the last
//           task both CAS top and one fails.
//   WS.DQ2  A thief reads a slot only after reading a bottom above it with acquire, which pairs
//           with the owner's release store of bottom after writing the slot (or a later one:
//           every bottom store is release and sequenced after the slot writes below it).
//   WS.DQ3  The owner rewrites slot i only after its acquire load of top (step 1) saw top past
//           every index with slot i; that load pairs with the claimer's CAS (seq_cst, so
//           release), so a thief's read of the slot happens before the owner's rewrite. A thief
//           that read a slot from a stale top fails its CAS and drops what it read.
//   WS.DQ4  bottom - top <= kCapacity at every owner step, so [t, b) never wraps onto itself.
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/base/config.hpp>
#include <spindle/exec/detail/injection_queue.hpp>
#include <spindle/exec/task.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/mode.hpp>

namespace spindle::exec::detail {

class work_stealing_deque {
 public:
  // 256, as the ring it replaced. Under faulty/sim, tiny so that overflow and the steal races
  // on the last task run in every test, not only under rare load.
  static constexpr std::int64_t kCapacity =
      twist::current_mode == twist::mode::std_threads ? 256 : 4;
  static constexpr std::int64_t kMask = kCapacity - 1;
  static_assert(kCapacity >= 4 && (kCapacity & kMask) == 0, "a power of two, at least 4");

  work_stealing_deque() noexcept {
    for (auto& slot : buffer_) slot.store(nullptr, std::memory_order_relaxed);
  }
  work_stealing_deque(const work_stealing_deque&) = delete;
  work_stealing_deque& operator=(const work_stealing_deque&) = delete;

  // Owner only. Pushes `t` at the bottom; when full, moves the older half and `t` to
  // `overflow` (step 1).
  void push(task& t, injection_queue& overflow) noexcept {
    // relaxed: the owner is bottom_'s only writer.
    const std::int64_t bottom = bottom_.load(std::memory_order_relaxed);
    for (;;) {
      // acquire: pairs with the CAS of top by the thief that claimed the slot we may reuse,
      // so its read of that slot happens before our write (WS.DQ3).
      const std::int64_t top = top_.load(std::memory_order_acquire);
      if (bottom - top < kCapacity) {
        // relaxed: published by the release store of bottom_ just below (WS.DQ2).
        buffer_[bottom & kMask].store(&t, std::memory_order_relaxed);
        // release: pairs with the thieves' acquire load of bottom_ (step 3, WS.DQ2).
        bottom_.store(bottom + 1, std::memory_order_release);
        return;
      }
      if (push_overflow(t, top, overflow)) return;
      // a thief advanced top: there is room now
    }
  }

  // Owner only. Takes the newest task, or nullptr (step 2).
  task* pop() noexcept {
    // relaxed: own bottom_.
    const std::int64_t bottom = bottom_.load(std::memory_order_relaxed) - 1;
    // release: a thief that reads this value reads slots below it (WS.DQ2).
    bottom_.store(bottom, std::memory_order_release);
    // seq_cst fence, load-bearing: a store-then-load handshake (Dekker) with steal's fence
    // between its loads of top and bottom (WS.DQ1). Acquire/release cannot order our store of
    // bottom before our load of top: without the fence both could come from before the
    // other side's write, and the owner and a thief would take the same task.
    twist::atomic_thread_fence(std::memory_order_seq_cst);
    // relaxed: ordered by the fence above.
    std::int64_t top = top_.load(std::memory_order_relaxed);
    if (top > bottom) {  // it was empty
      // release: as above.
      bottom_.store(bottom + 1, std::memory_order_release);
      return nullptr;
    }
    // relaxed: the owner wrote this slot itself.
    task* t = buffer_[bottom & kMask].load(std::memory_order_relaxed);
    if (top == bottom) {  // the last task: thieves may be after it too
      // seq_cst as in Lê et al.'s proof (WS.DQ1 itself needs only the CAS's atomicity: both
      // sides CAS top); on x86 it is the same locked instruction as acq_rel.
      if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        t = nullptr;  // a thief got it
      }
      // release: as above.
      bottom_.store(bottom + 1, std::memory_order_release);
    }
    return t;
  }

  // A thief (or the owner, for fairness). Takes the oldest task, or nullptr if the deque
  // looked empty. Retries when it loses a race (someone else took a task: lock-free).
  task* steal() noexcept {
    for (;;) {
      bool lost = false;
      if (task* t = steal_once(lost)) return t;
      if (!lost) return nullptr;
    }
  }

  // A thief, never the owner (`dst` is its own deque). Takes up to half of this deque, one
  // task at a time (step 4): returns the oldest to run now and pushes the rest on `dst`.
  task* steal_into(work_stealing_deque& dst, injection_queue& overflow) noexcept {
    // A searcher sweeps every other worker, most of them empty: skip an empty-looking deque
    // without steal_once's seq_cst fence (and without pulling its lines in for a CAS). A
    // stale "empty" costs this searcher one victim, never progress: a searcher that finds
    // nothing parks and re-checks has_work() after its own fence (worker_pool.cpp, WP.PARK3).
    if (empty_hint()) return nullptr;
    task* first = steal();
    if (first == nullptr) return nullptr;
    // relaxed: a size estimate for the batch only; each round re-reads with acquire.
    const std::int64_t left =
        bottom_.load(std::memory_order_relaxed) - top_.load(std::memory_order_relaxed);
    // Half of the left + 1 we found, rounded up, is 1 + left / 2 (stale loads: maybe <= 0).
    const std::int64_t more = left / 2;
    for (std::int64_t i = 0; i < more; ++i) {
      bool lost = false;
      task* t = steal_once(lost);
      if (t == nullptr) break;
      dst.push(*t, overflow);
    }
    return first;
  }

  // True if the deque held no task at some recent moment (callers fence first: WP.PARK3). A pop
  // or steal in flight may hide a task for a moment; its thread is awake and takes it.
  bool empty_hint() const noexcept {
    // relaxed: a hint ordered by the caller's seq_cst fence.
    const std::int64_t bottom = bottom_.load(std::memory_order_relaxed);
    return top_.load(std::memory_order_relaxed) >= bottom;
  }

 private:
  // Step 3: one steal. nullptr with `lost` set: another consumer took the task we saw.
  task* steal_once(bool& lost) noexcept {
    // acquire: pairs with the CAS that last advanced top (Lê et al.).
    std::int64_t top = top_.load(std::memory_order_acquire);
    // seq_cst fence, load-bearing: the other half of pop()'s handshake (WS.DQ1): our load of
    // bottom must not be satisfied before our load of top, or we could read a bottom from
    // before the owner's decrement while the owner read a top from before our claim.
    twist::atomic_thread_fence(std::memory_order_seq_cst);
    // acquire: pairs with the owner's release stores of bottom_ (WS.DQ2).
    const std::int64_t bottom = bottom_.load(std::memory_order_acquire);
    if (top >= bottom) return nullptr;
    // relaxed: published by the acquire load of bottom_ above (WS.DQ2); if the owner rewrote it
    // meanwhile, top has moved and the CAS below fails (WS.DQ3).
    task* t = buffer_[top & kMask].load(std::memory_order_relaxed);
    // seq_cst as in Lê et al.; release: pairs with push's acquire load of top (WS.DQ3).
    if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      lost = true;
      return nullptr;
    }
    return t;
  }

  // OVERFLOW (step 1): the deque is full (bottom - top == kCapacity). The owner is not
  // popping, so it may claim kCapacity / 2 slots with one CAS: only thieves race it, and
  // they move top one at a time with a CAS too.
  bool push_overflow(task& t, std::int64_t top, injection_queue& overflow) noexcept {
    constexpr std::int64_t kTaken = kCapacity / 2;
    // acq_rel: acquire as push's load of top (WS.DQ3); release so a thief that reads the new
    // top orders after our claim. Relaxed on failure: push retries from its own loads.
    if (!top_.compare_exchange_strong(top, top + kTaken, std::memory_order_acq_rel,
                                      std::memory_order_relaxed)) {
      return false;
    }
    injection_queue::list_type batch;
    for (std::int64_t i = 0; i < kTaken; ++i) {
      // relaxed: own slots, claimed by the CAS above.
      batch.push_back(*buffer_[(top + i) & kMask].load(std::memory_order_relaxed));
    }
    batch.push_back(t);
    overflow.push_back(batch);
    return true;
  }

  // The next index a thief takes. Advanced (CAS) by thieves, by pop() for the last task and
  // by OVERFLOW; never decreases. Any thread reads it.
  alignas(64) twist::atomic<std::int64_t> top_{0};
  // One past the newest task. Written only by the owner (every store release), read by
  // thieves (acquire).
  alignas(64) twist::atomic<std::int64_t> bottom_{0};
  // Written only by the owner (push); read by the owner (pop, OVERFLOW) and by thieves at top.
  // Atomic (relaxed) so that a thief's read of a slot being rewritten is never a data race.
  twist::atomic<task*> buffer_[kCapacity];
};

}  // namespace spindle::exec::detail
