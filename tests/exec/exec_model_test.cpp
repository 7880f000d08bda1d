// Model tests of the executors: explored by the simulator in sim builds (the pools' local
// rings shrink to a few slots there, so overflow and stealing run in short schedules), and
// stress-repeated on real threads in std and faulty builds. A lost wakeup shows up as a
// deadlock (wait_idle or stop blocked forever), a task run twice or never as a wrong count,
// and a missing happens-before edge (a task's effects not published to wait_idle's caller, or
// a strand that lets two tasks overlap) as a data race on the twist::shared cells.
#include <array>
#include <atomic>
#include <cstddef>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/exec/compute_pool.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/strand.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace exec = spindle::exec;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

namespace {

// The pools' state space is large: DFS explores a bounded slice of it, not all.
constexpr test::exploration_plan kPlan{.random_runs = 1500,
                                       .second = sim::strategy::dfs,
                                       .second_runs = 3000,
                                       .preemption_bound = 1};

// Tasks that each submit a child: parking, waking, stealing and (tiny rings) overflow.
template <class Pool>
void tasks_submitting_tasks(exec::pool_options options) {
  Pool pool(options);
  twist::atomic<int> done{0};
  for (int i = 0; i < 3; ++i) {
    exec::submit(pool, [&] {
      done.fetch_add(1, std::memory_order_relaxed);
      exec::submit(pool, [&] { done.fetch_add(1, std::memory_order_relaxed); });
    });
  }
  pool.wait_idle();
  SPINDLE_VERIFY(done.load(std::memory_order_relaxed) == 6, "a task was lost or ran twice");
  pool.stop();
}

TEST(FastPoolModel, TasksSubmittingTasks) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] { tasks_submitting_tasks<exec::fast_pool>(test::model_pool()); });
  }
}

TEST(ComputePoolModel, TasksSubmittingTasks) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] { tasks_submitting_tasks<exec::compute_pool>(test::model_pool()); });
  }
}

TEST(ComputePoolModel, LockFreeQueue) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      exec::pool_options options = test::model_pool();
      options.global_queue = exec::global_queue_kind::lock_free;
      options.lock_free_capacity = 2;  // spills into the list after two
      tasks_submitting_tasks<exec::compute_pool>(options);
    });
  }
}

// A burst on four workers: one task fans out from a worker, so a searcher that steals part of
// it comes back with a surplus and wakes more workers while another searcher is still out
// (worker_pool.cpp, WP.SEARCH3). Every task runs once, and the idle and stop protocols still hold
// (IDLE_STATE's counts are asserted on every change: a wake-up that forgot to count its worker
// as searching or unparked trips them).
TEST(FastPoolModel, ABurstWakesWorkersThroughTheSurplusOfASteal) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool(4));
      twist::atomic<int> done{0};
      exec::submit(pool, [&] {
        for (int i = 0; i < 4; ++i) {
          exec::submit(pool, [&] { done.fetch_add(1, std::memory_order_relaxed); });
        }
      });
      pool.wait_idle();
      SPINDLE_VERIFY(done.load(std::memory_order_relaxed) == 4, "a task was lost or ran twice");
      pool.stop();
    });
  }
}

// A task submitted after every worker has parked must still run (no lost wakeup), and its
// effects must be visible to wait_idle's caller.
TEST(FastPoolModel, SubmitToAParkedPoolRunsAndPublishes) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      twist::shared<int> result{0};
      for (int i = 0; i < 3; ++i) twist::this_thread::yield();  // let the workers park
      exec::submit(pool, [&] { result.write(42); });
      pool.wait_idle();
      SPINDLE_VERIFY(result.read() == 42, "the task did not run before wait_idle returned");
    });
  }
}

// stop() while tasks keep submitting from the workers: the whole tree runs, then the workers
// are joined.
TEST(FastPoolModel, StopWhileBusyDrainsEverything) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      twist::atomic<int> done{0};
      {
        exec::fast_pool pool(test::model_pool());
        for (int i = 0; i < 2; ++i) {
          exec::submit(pool, [&] {
            exec::submit(pool, [&] { done.fetch_add(1, std::memory_order_relaxed); });
            done.fetch_add(1, std::memory_order_relaxed);
          });
        }
        pool.stop();
      }
      SPINDLE_VERIFY(done.load(std::memory_order_relaxed) == 4, "stop() dropped a task");
    });
  }
}

// A strand over a two-worker pool serializes tasks from two submitters: the race detector
// checks the counter needs no lock.
TEST(StrandModel, SerializesWithoutALock) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      twist::shared<int> counter{0};
      {
        exec::strand serial(pool);
        auto submit_two = [&] {
          for (int i = 0; i < 2; ++i) {
            exec::submit(serial, [&] { counter.write(counter.read() + 1); });
          }
        };
        twist::thread other(submit_two);
        submit_two();
        other.join();
        pool.wait_idle();
      }
      SPINDLE_VERIFY(counter.read() == 4, "a strand task was lost");
    });
  }
}

}  // namespace

// The fast pool's work-stealing deque alone (detail/work_stealing_deque.hpp; capacity 4 here,
// so the fifth push overflows): the owner pushes and pops at the bottom while one thief steals
// single tasks and another steals half into its own deque. Every task is taken exactly once
// (WS.DQ1), and its payload, a twist::shared cell written before push, is read by whoever takes
// it without a data race (WS.DQ2).
TEST(WorkStealingDequeModel, OwnerAndThievesTakeEveryTaskOnce) {
  struct item : exec::task {
    item() : task(&item::invoke) {}
    static void invoke(exec::task& self) {
      auto& me = static_cast<item&>(self);
      SPINDLE_VERIFY(me.payload.read() == 1, "a task was taken before its push");
      me.taken.fetch_add(1, std::memory_order_relaxed);
    }
    twist::shared<int> payload{0};
    twist::atomic<int> taken{0};
  };
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      constexpr std::size_t kItems = 5;
      std::array<item, kItems> items;
      exec::detail::work_stealing_deque deque;
      exec::detail::injection_queue overflow;
      twist::thread single([&] {
        for (int i = 0; i < 2; ++i) {
          if (exec::task* t = deque.steal()) t->run();
        }
      });
      twist::thread half([&] {
        exec::detail::work_stealing_deque mine;
        if (exec::task* t = deque.steal_into(mine, overflow)) t->run();
        while (exec::task* t = mine.pop()) t->run();
      });
      for (std::size_t i = 0; i < kItems; ++i) {
        items[i].payload.write(1);
        deque.push(items[i], overflow);
        if (i % 2 == 1) {
          if (exec::task* t = deque.pop()) t->run();
        }
      }
      while (exec::task* t = deque.pop()) t->run();
      single.join();
      half.join();
      while (exec::task* t = overflow.pop_front()) t->run();
      for (const item& it : items) {
        SPINDLE_VERIFY(it.taken.load(std::memory_order_relaxed) == 1,
                       "a task was lost or taken twice");
      }
    });
  }
}
