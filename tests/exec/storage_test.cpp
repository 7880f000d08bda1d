// Storage tests: an executor must not touch a task after running it (EX.TASK2), nor a strand
// after its last batch (ST.STR3), so both may be freed the moment the user sees their work done.
// Meaningful under ASAN (faulty-asan, asan): a late access is a heap-use-after-free.
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/strand.hpp>

#include "exec_test_support.hpp"
#include "stress.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

class Storage : public testing::TestWithParam<test::pool_kind> {};

// A heap task that announces it is done as its last action; its owner frees it right then.
struct announcing_task : exec::task {
  explicit announcing_task(twist::atomic<int>& counter)
      : task(&announcing_task::invoke), done(counter) {}
  static void invoke(exec::task& self) {
    // release: pairs with the owner's acquire load; after it the task may be freed.
    static_cast<announcing_task&>(self).done.fetch_add(1, std::memory_order_release);
  }
  twist::atomic<int>& done;
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Kinds, Storage,
                         testing::Values(test::pool_kind::compute_mutex,
                                         test::pool_kind::compute_lock_free,
                                         test::pool_kind::fast),
                         test::pool_kind_param_name());

TEST_P(Storage, ATaskMayBeFreedAsSoonAsItHasRun) {
  auto pool = test::make_pool(GetParam(), 2);
  test::repeat_within_budget(200, [&](std::size_t) {
    constexpr int kTasks = 16;
    twist::atomic<int> done{0};
    std::vector<std::unique_ptr<announcing_task>> tasks;
    for (int i = 0; i < kTasks; ++i) tasks.push_back(std::make_unique<announcing_task>(done));
    for (auto& t : tasks) pool->submit(*t);
    // acquire: pairs with the tasks' release increment.
    while (done.load(std::memory_order_acquire) != kTasks) twist::this_thread::yield();
    tasks.clear();  // at once, while workers may still be returning from them
  });
  pool->wait_idle();
}

TEST_P(Storage, APoolMayBeDestroyedRightAfterWaitIdle) {
  test::repeat_within_budget(100, [&](std::size_t) {
    auto pool = test::make_pool(GetParam(), 2);
    twist::atomic<int> ran{0};
    for (int i = 0; i < 20; ++i) exec::submit(*pool, [&] { ran.fetch_add(1); });
    pool->wait_idle();
    EXPECT_EQ(ran.load(), 20);
    pool.reset();
  });
}

TEST_P(Storage, AStrandMayBeDestroyedOnceItsExecutorIsIdle) {
  auto pool = test::make_pool(GetParam(), 2);
  test::repeat_within_budget(200, [&](std::size_t) {
    auto serial = std::make_unique<exec::strand>(*pool);
    twist::atomic<int> ran{0};
    for (int i = 0; i < 10; ++i) exec::submit(*serial, [&] { ran.fetch_add(1); });
    pool->wait_idle();
    ASSERT_EQ(ran.load(), 10) << "wait_idle returned before the strand's tasks ran";
    serial.reset();
  });
}
