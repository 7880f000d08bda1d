// The counter a batch of job_system jobs decrements as each finishes; wait() blocks until it is
// zero. From a pool job, wait() suspends the job's fiber and the worker goes on with other work
// on other fibers; the fiber continues (on any worker) once the counter reaches zero. From a
// plain thread it parks on a futex; from a fiber::go fiber it suspends that fiber. (Naughty
// Dog's "WaitForCounter": C. Gyrling, "Parallelizing the Naughty Dog Engine Using Fibers",
// GDC 2015; here only "until zero".)
//
//   fiber::jobs::job_counter children;
//   pool.run_jobs(sub_jobs, children);      // children += sub_jobs.size()
//   children.wait();                        // every sub-job happened-before this returns
//
// Only the pool changes the count: run_jobs()/submit() add, each job's end subtracts. So a
// counter can be waited on, reused once it is zero, and destroyed as soon as wait() returns.
//
// Protocol: wait_group's (fiber/sync/wait_group.hpp), with the pool's wait node. state_ is a
// state word (fiber/sync/detail/state_word.hpp: the count, HAS_WAITERS and the lock bit
// guarding waiters_, SW.LOCK1-SW.LOCK4).
//   1. wait(): load (acquire); count 0 -> return.
//   2. take the lock bit and set HAS_WAITERS in one CAS, only while count > 0 (count 0 ->
//      return); push our wait node; drop the lock bit (release); park the node.
//   3. done() (a job ended): if HAS_WAITERS is clear or count > 1: CAS count - 1 (release).
//   4. else (count 1, waiters): take the lock bit, move waiters_ to a local list, then CAS the
//      word to 0 — count 0, no lock, no HAS_WAITERS — (acq_rel). If an add() raised the count
//      meanwhile, put the list back and CAS count - 1 dropping the lock bit instead. After the
//      CAS to zero (JC.CNT1: the last access to *this), wake the local list.
// No lost wakeup: a waiter enqueues only under the lock with count > 0 and HAS_WAITERS set in
// the same CAS, so the done() that reaches zero sees HAS_WAITERS and takes the lock (step 4)
// and finds it. A waiter may destroy the counter once it sees zero (JC.CNT1): the done() that
// wrote zero touches only the local list afterwards, and each node's wake() is its last touch
// of that node (detail/wait_node.hpp, JN.NODE2). Happens-before: every done() is a release RMW on
// state_; the release sequence carries them all to the acquire that reads zero.
#pragma once

#include <cstdint>

#include <spindle/fiber/jobs/detail/wait_node.hpp>
#include <spindle/fiber/sync/detail/countdown.hpp>

namespace spindle::fiber::jobs {

class job_system;

class job_counter {
 public:
  job_counter() noexcept = default;
  // The count must be zero (nothing submitted with it still outstanding): checked.
  ~job_counter();

  job_counter(const job_counter&) = delete;
  job_counter& operator=(const job_counter&) = delete;
  job_counter(job_counter&&) = delete;
  job_counter& operator=(job_counter&&) = delete;

  // Blocks the calling pool job (its fiber), fiber or thread until the count is zero.
  void wait();

  // The outstanding jobs now (a snapshot; acquire, so reading 0 sees their effects).
  std::uint32_t value() const noexcept;

 private:
  friend class job_system;

  // `n` more jobs will end with done() (the pool calls it before queueing them).
  void add(std::uint32_t n) noexcept;
  // One job ended; wakes the waiters if that was the last.
  void done() noexcept;

  struct countdown_traits {  // for sync::detail::countdown
    using node = detail::wait_node;
    using node_tag = detail::wait_node_tag;
    static constexpr const char* lock_name = "fiber::jobs::job_counter waiter lock";
    static constexpr const char* overflow = "fiber::jobs::job_counter: count overflow";
    static constexpr const char* underflow = "fiber::jobs::job_counter: more ends than jobs";
    static constexpr bool underflow_is_misuse = false;  // only the pool calls done(): a bug
  };

  // The protocol (steps 1-4, JC.CNT1): a sync::detail::state_word (count, HAS_WAITERS, lock bit)
  // and the wait nodes it guards.
  sync::detail::countdown<countdown_traits> count_;
};

}  // namespace spindle::fiber::jobs
