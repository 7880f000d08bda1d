// The fast pool's scheduling rules (work_stealing_policy.hpp): LIFO slot and fairness (WS.FAIR1),
// the periodic look at the injection queue, overflow and stealing.
#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>

#include "exec_test_support.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

exec::pool_options one_worker() {
  exec::pool_options options;
  options.workers = 1;
  options.name = "fast1";
  return options;
}

}  // namespace

TEST(FastPool, NextRunsBeforeTheQueuedTasks) {
  exec::fast_pool pool(one_worker());
  std::vector<int> log;  // one worker: tasks never overlap
  exec::submit(pool, [&] {
    exec::submit(pool, [&] { log.push_back(1); }, exec::hint::yield);
    exec::submit(pool, [&] { log.push_back(2); }, exec::hint::yield);
    exec::submit(pool, [&] { log.push_back(0); }, exec::hint::next);
  });
  pool.wait_idle();
  EXPECT_EQ(log, (std::vector<int>{0, 1, 2}));
}

namespace {

// On one worker, tasks a and b hop to each other through the LIFO slot (hint::next), so the
// slot is never empty, while another task waits: submitted first with `waiting_hint` (yield:
// the FIFO ring; next: the slot, from which a's submit pushes it to the deque's bottom).
// Returns how many hops had run when it ran (WS.FAIR1 bounds that), or -1 if it never did.
int hops_before_the_waiting_task_runs(exec::hint waiting_hint) {
  exec::fast_pool pool(one_worker());
  constexpr int kGiveUp = 100000;
  int hops = 0;
  int hops_when_it_ran = -1;
  exec::callable_task waiting([&] { hops_when_it_ran = hops; });
  std::function<void()> hop;
  exec::callable_task a([&] { hop(); });
  exec::callable_task b([&] { hop(); });
  bool at_a = true;
  hop = [&] {
    ++hops;
    if (hops_when_it_ran >= 0 || hops >= kGiveUp) return;
    at_a = !at_a;
    pool.submit(at_a ? static_cast<exec::task&>(a) : b, exec::hint::next);
  };
  exec::submit(pool, [&] {
    pool.submit(waiting, waiting_hint);
    pool.submit(a, exec::hint::next);
  });
  pool.wait_idle();
  return hops_when_it_ran;
}

}  // namespace

TEST(FastPool, TwoTasksPingPongingThroughTheLifoSlotCannotStarveTheQueue) {
  const int hops = hops_before_the_waiting_task_runs(exec::hint::yield);
  ASSERT_GE(hops, 0) << "the queued task never ran";
  // WS.FAIR1: one look at the oldest work every kGlobalQueueInterval pops.
  EXPECT_LE(hops, static_cast<int>(exec::work_stealing_policy::kGlobalQueueInterval + 2));
}

TEST(FastPool, TwoTasksPingPongingThroughTheLifoSlotCannotStarveTheDeque) {
  const int hops = hops_before_the_waiting_task_runs(exec::hint::next);
  ASSERT_GE(hops, 0) << "the task in the deque never ran";
  // WS.FAIR1: one look at the deque's top every kOwnDequeInterval pops.
  EXPECT_LE(hops, static_cast<int>(exec::work_stealing_policy::kOwnDequeInterval + 2));
}

TEST(FastPool, ABusyWorkerStillTakesFromTheInjectionQueue) {
  exec::fast_pool pool(one_worker());
  twist::atomic<int> spins{0};
  twist::atomic<int> spins_at_submit{-1};
  twist::atomic<int> spins_when_ran{-1};
  exec::callable_task outside([&] { spins_when_ran.store(spins.load()); });
  exec::task* self = nullptr;
  exec::callable_task spinner([&] {
    spins.fetch_add(1);
    if (spins_when_ran.load() < 0 && spins.load() < 1000000) pool.submit(*self, exec::hint::yield);
  });
  self = &spinner;
  pool.submit(spinner);
  ASSERT_TRUE(test::eventually([&] { return spins.load() > 0; }));
  spins_at_submit.store(spins.load());
  pool.submit(outside);
  pool.wait_idle();
  ASSERT_GE(spins_when_ran.load(), 0) << "the injected task never ran";
  // One look at the injection queue every kGlobalQueueInterval pops (plus the few spins that
  // happen while submit() is still pushing).
  EXPECT_LE(spins_when_ran.load() - spins_at_submit.load(),
            static_cast<int>(2 * exec::work_stealing_policy::kGlobalQueueInterval + 10));
}

TEST(FastPool, AFullRingOverflowsAndEveryTaskRunsOnce) {
  for (std::size_t workers : {1u, 2u}) {
    exec::pool_options options = one_worker();
    options.workers = workers;
    exec::fast_pool pool(options);
    constexpr std::size_t kTasks = 3000;  // > 256: overflows in std mode too
    std::vector<twist::atomic<int>> runs(kTasks);
    exec::submit(pool, [&] {
      for (std::size_t i = 0; i < kTasks; ++i) {
        exec::submit(pool, [&runs, i] { runs[i].fetch_add(1); }, exec::hint::yield);
      }
    });
    pool.wait_idle();
    for (std::size_t i = 0; i < kTasks; ++i) ASSERT_EQ(runs[i].load(), 1) << i;
  }
}

TEST(FastPool, AnIdleWorkerTakesWorkQueuedOnABusyOne) {
  exec::pool_options options;
  options.workers = 2;
  exec::fast_pool pool(options);
  twist::atomic<bool> ran_elsewhere{false};
  twist::atomic<bool> gave_up{false};
  exec::submit(pool, [&] {
    const std::size_t me = exec::current_worker_index();
    for (int i = 0; i < 8; ++i) {
      exec::submit(pool, [&, me] {
        if (exec::current_worker_index() != me) ran_elsewhere.store(true);
      }, exec::hint::yield);
    }
    // Keep this worker busy until someone else ran one of them.
    if (!test::eventually([&] { return ran_elsewhere.load(); })) gave_up.store(true);
  });
  pool.wait_idle();
  EXPECT_FALSE(gave_up.load());
  EXPECT_TRUE(ran_elsewhere.load());
}

// SP.POL4 on the policy alone (no threads): a worker has a surplus when its deque or FIFO ring
// holds a task another worker could steal; the LIFO slot alone is not one (WS.SLOT1). After a
// steal, the thief has one exactly when the batch was bigger than the task it runs.
TEST(WorkStealingPolicy, SurplusIsWhatOtherWorkersCouldSteal) {
  struct noop : exec::task {
    noop() : task([](exec::task&) {}) {}
  };
  exec::work_stealing_policy policy(2);
  std::vector<noop> tasks(5);
  EXPECT_FALSE(policy.has_surplus(0));
  EXPECT_FALSE(policy.push(tasks[0], exec::hint::any, 0));  // into the LIFO slot
  EXPECT_FALSE(policy.has_surplus(0));
  EXPECT_TRUE(policy.push(tasks[1], exec::hint::any, 0));  // tasks[0] moves to the deque
  EXPECT_TRUE(policy.has_surplus(0));
  EXPECT_EQ(policy.steal(1), &tasks[0]);  // half of one: the thief runs it, keeps nothing
  EXPECT_FALSE(policy.has_surplus(1));
  EXPECT_FALSE(policy.has_surplus(0));  // only the LIFO slot is left
  for (int i = 2; i < 5; ++i) EXPECT_TRUE(policy.push(tasks[i], exec::hint::any, 0));
  // The deque holds tasks[1..3] (tasks[4] is in the slot): the thief takes two, runs one.
  EXPECT_EQ(policy.steal(1), &tasks[1]);
  EXPECT_TRUE(policy.has_surplus(1));
  EXPECT_TRUE(policy.has_surplus(0));
  EXPECT_EQ(policy.pop(1), &tasks[2]);
  EXPECT_FALSE(policy.has_surplus(1));
  EXPECT_EQ(policy.pop(0), &tasks[4]);
  EXPECT_EQ(policy.pop(0), &tasks[3]);
  EXPECT_FALSE(policy.has_surplus(0));
  EXPECT_EQ(policy.pop(0), nullptr);
}
