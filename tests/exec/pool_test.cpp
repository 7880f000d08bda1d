// What every pool does (compute pool with each queue, fast pool): run everything once,
// wait_idle, stop, drain on destruction, errors, current worker, placement, inline hint.
#include <pthread.h>
#include <sched.h>

#include <chrono>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include <spindle/exec/manual_executor.hpp>
#include <spindle/twist/mutex.hpp>
#if SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/config.hpp>
#endif

#include "exec_test_support.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

class Pool : public testing::TestWithParam<test::pool_kind> {};

std::string param_name(const testing::TestParamInfo<test::pool_kind>& info) {
  return test::pool_kind_name(info.param);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Kinds, Pool,
                         testing::Values(test::pool_kind::compute_mutex,
                                         test::pool_kind::compute_lock_free,
                                         test::pool_kind::fast),
                         param_name);

TEST_P(Pool, RunsEveryTaskExactlyOnce) {
  constexpr std::size_t kTasks = 2000;
  auto pool = test::make_pool(GetParam(), 3);
  std::vector<twist::atomic<int>> runs(kTasks);
  for (std::size_t i = 0; i < kTasks; ++i) {
    exec::submit(*pool, [&runs, i] { runs[i].fetch_add(1, std::memory_order_relaxed); });
  }
  pool->wait_idle();
  for (std::size_t i = 0; i < kTasks; ++i) ASSERT_EQ(runs[i].load(), 1) << "task " << i;
}

TEST_P(Pool, WaitIdleWaitsForTasksSubmittedByTasks) {
  auto pool = test::make_pool(GetParam(), 2);
  twist::atomic<int> leaves{0};
  // A tree: depth 4, fan-out 5 -> 625 leaves, each submitted by a task.
  std::function<void(int)> node = [&](int depth) {
    if (depth == 0) {
      leaves.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    for (int i = 0; i < 5; ++i) exec::submit(*pool, [&node, depth] { node(depth - 1); });
  };
  exec::submit(*pool, [&] { node(4); });
  pool->wait_idle();
  EXPECT_EQ(leaves.load(), 625);
  pool->wait_idle();  // idle again at once
}

TEST_P(Pool, SubmitAfterStopThrowsAndLeavesTheTaskToTheCaller) {
  auto pool = test::make_pool(GetParam(), 2);
  pool->stop();
  pool->stop();  // idempotent
  bool ran = false;
  exec::callable_task job([&] { ran = true; });
  EXPECT_THROW(pool->submit(job), exec::executor_stopped);
  EXPECT_FALSE(ran);
  exec::manual_executor manual;  // still the caller's: run it elsewhere
  manual.submit(job);
  manual.drain();
  EXPECT_TRUE(ran);
}

TEST_P(Pool, DestroyingAPoolRunsItsQueuedTasksFirst) {
  constexpr int kTasks = 500;
  twist::atomic<int> ran{0};
  twist::atomic<bool> release{false};
  {
    auto pool = test::make_pool(GetParam(), 2);
    // Hold both workers so the rest stays queued while the pool is destroyed.
    for (int i = 0; i < 2; ++i) {
      exec::submit(*pool, [&] {
        while (!release.load()) twist::this_thread::yield();
        ran.fetch_add(1);
      });
    }
    for (int i = 0; i < kTasks; ++i) exec::submit(*pool, [&] { ran.fetch_add(1); });
    twist::thread releaser([&] {
      twist::this_thread::sleep_for(std::chrono::milliseconds(20));
      release.store(true);
    });
    pool.reset();  // must wait for the blocked tasks and run the queued ones
    releaser.join();
    EXPECT_EQ(ran.load(), kTasks + 2);
  }
}

TEST_P(Pool, StopLetsRunningTasksSubmitMoreAndRunsThemAll) {
  auto pool = test::make_pool(GetParam(), 2);
  twist::atomic<int> ran{0};
  twist::atomic<bool> started{false};
  std::function<void(int)> chain = [&](int left) {
    ran.fetch_add(1);
    started.store(true);
    if (left > 0) exec::submit(*pool, [&chain, left] { chain(left - 1); });
  };
  exec::submit(*pool, [&] { chain(200); });
  ASSERT_TRUE(test::eventually([&] { return started.load(); }));
  pool->stop();
  EXPECT_EQ(ran.load(), 201) << "tasks submitted by the pool's own tasks while it stops run too";
}

TEST_P(Pool, AnExceptionGoesToTheHandlerAndTheWorkerCarriesOn) {
  twist::atomic<int> failures{0};
  twist::atomic<int> ran{0};
  exec::pool_options options;
  options.workers = 1;
  options.name = "failing";
  options.on_task_failure = [&](const exec::task_failure& f) {
    EXPECT_EQ(f.executor_name, "failing");
    failures.fetch_add(1);
  };
  auto pool = test::make_pool(GetParam(), options);
  for (int i = 0; i < 10; ++i) {
    exec::submit(*pool, [&, i] {
      if (i % 2 == 0) throw std::runtime_error("even");
      ran.fetch_add(1);
    });
  }
  pool->wait_idle();
  EXPECT_EQ(failures.load(), 5);
  EXPECT_EQ(ran.load(), 5);
}

TEST_P(Pool, WorkersKnowTheirIndexAndPoolAndName) {
  constexpr std::size_t kWorkers = 3;
  exec::pool_options options;
  options.workers = kWorkers;
  options.name = "named";
  auto pool = test::make_pool(GetParam(), options);
  EXPECT_EQ(pool->worker_count(), kWorkers);
  EXPECT_EQ(pool->name(), "named");
  twist::mutex mu;
  std::set<std::string> bad;
  twist::atomic<int> checked{0};
  for (int i = 0; i < 200; ++i) {
    exec::submit(*pool, [&] {
      const std::size_t index = exec::current_worker_index();
      char thread_name[16] = {};
      pthread_getname_np(pthread_self(), thread_name, sizeof thread_name);
      std::lock_guard lock(mu);
      if (index >= kWorkers) bad.insert("index " + std::to_string(index));
      if (exec::current_executor() != pool.get()) bad.insert("current executor");
      if (std::string(thread_name) != "named-" + std::to_string(index)) {
        bad.insert(std::string("thread name ") + thread_name);
      }
      checked.fetch_add(1);
    });
  }
  pool->wait_idle();
  EXPECT_EQ(checked.load(), 200);
  EXPECT_TRUE(bad.empty()) << *bad.begin();
}

TEST_P(Pool, PinsWorkersToTheListedCpu) {
  exec::pool_options options;
  options.workers = 2;
  options.pin = exec::pinning::cpu_list;
  options.cpus = {0};
  auto pool = test::make_pool(GetParam(), options);
  twist::atomic<int> off_cpu{0};
  for (int i = 0; i < 50; ++i) {
    exec::submit(*pool, [&] {
      if (sched_getcpu() != 0) off_cpu.fetch_add(1);
    });
  }
  pool->wait_idle();
#if SPINDLE_TWIST_MODE_FAULTY
  if (twist::faulty::one_core()) GTEST_SKIP() << "faulty one-core mode pins threads itself";
#endif
  EXPECT_EQ(off_cpu.load(), 0);
}

TEST_P(Pool, InlineAllowedRunsInsideSubmitOnlyOnItsOwnWorkers) {
  auto pool = test::make_pool(GetParam(), 2);
  twist::atomic<int> inline_from_worker{0};
  twist::atomic<bool> done{false};
  exec::submit(*pool, [&] {
    bool ran = false;
    exec::callable_task child([&] { ran = true; });
    pool->submit(child, exec::hint::inline_allowed);
    if (ran) inline_from_worker.fetch_add(1);  // ran before submit returned
    done.store(true);
  });
  pool->wait_idle();
  EXPECT_TRUE(done.load());
  EXPECT_EQ(inline_from_worker.load(), 1);

  // From outside the pool it is queued and runs on a worker.
  twist::atomic<std::size_t> worker{exec::not_a_worker};
  exec::submit(*pool, [&] { worker.store(exec::current_worker_index()); },
               exec::hint::inline_allowed);
  pool->wait_idle();
  EXPECT_LT(worker.load(), pool->worker_count());
}

TEST_P(Pool, DefaultWorkerCountIsHardwareConcurrency) {
  auto pool = test::make_pool(GetParam(), 0);
  const unsigned hw = twist::thread::hardware_concurrency();
  EXPECT_EQ(pool->worker_count(), hw == 0 ? 1u : hw);
}
