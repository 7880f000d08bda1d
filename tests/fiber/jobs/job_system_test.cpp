// Unit tests of fiber::jobs::job_system and job_counter: jobs run, counters, nested waits (a
// job waiting for its children on a one-worker pool proves the wait switched fibers rather
// than blocking the worker), priorities, the fiber bound, failures, shutdown.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/jobs/job_system.hpp>
#include <spindle/fiber/sync/event.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace fp = spindle::fiber::pool;

namespace {

fp::options small(std::size_t workers, std::size_t fibers) {
  fp::options o;
  o.workers = workers;
  o.fibers = fibers;
  o.name = "unit";
  return o;
}

// Spins (yielding) until `flag` is set: holds a worker inside a job so that later jobs queue.
void hold_until(const std::atomic<bool>& flag) {
  while (!flag.load()) std::this_thread::yield();
}

TEST(FiberPool, RunsEveryJobOfABatch) {
  fp::job_system pool(small(2, 8));
  EXPECT_EQ(pool.num_workers(), 2u);
  EXPECT_EQ(pool.num_fibers(), 8u);
  std::array<std::atomic<int>, 100> runs{};
  std::array<fp::job, 100> jobs;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i] = fp::job::of(runs[i], [](std::atomic<int>& r) { r.fetch_add(1); });
  }
  fp::job_counter done;
  pool.run_jobs(jobs, done);
  done.wait();
  EXPECT_EQ(done.value(), 0u);
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(FiberPool, CounterIsReusableAcrossBatches) {
  fp::job_system pool(small(2, 4));
  std::atomic<int> sum{0};
  auto add_one = [&] { sum.fetch_add(1); };
  fp::job_counter done;
  for (int round = 1; round <= 5; ++round) {
    for (int i = 0; i < 10; ++i) pool.submit(fp::job::of(add_one), &done);
    done.wait();
    EXPECT_EQ(sum.load(), round * 10);
  }
}

TEST(FiberPool, CurrentIsThePoolInsideAJobOnly) {
  fp::job_system pool(small(1, 2));
  EXPECT_EQ(fp::job_system::current(), nullptr);
  fp::job_system* seen = nullptr;
  bool is_go_fiber = true;
  auto probe = [&] {
    seen = fp::job_system::current();
    is_go_fiber = fiber::is_fiber();
  };
  fp::job_counter done;
  pool.submit(fp::job::of(probe), &done);
  done.wait();
  EXPECT_EQ(seen, &pool);
  EXPECT_FALSE(is_go_fiber);  // pool jobs are not fiber::go fibers (documented)
}

// One worker: if wait() blocked the thread, the children could never run.
TEST(FiberPool, NestedWaitSwitchesFibersOnOneWorker) {
  fp::job_system pool(small(1, 4));
  std::atomic<int> children_done{0};
  int seen_after_wait = -1;
  auto child = [&] { children_done.fetch_add(1); };
  auto parent = [&] {
    std::array<fp::job, 3> kids{fp::job::of(child), fp::job::of(child), fp::job::of(child)};
    fp::job_counter kids_done;
    fp::job_system::current()->run_jobs(kids, kids_done);
    kids_done.wait();
    seen_after_wait = children_done.load();
  };
  fp::job_counter done;
  pool.submit(fp::job::of(parent), &done);
  done.wait();
  EXPECT_EQ(seen_after_wait, 3);
}

// A binary tree of fork/join jobs three levels deep: every inner job waits for its two
// children, so up to 7 jobs wait at once on 16 fibers.
struct tree_node {
  std::atomic<int>* leaves;
  int depth;
};

void visit_tree(tree_node& n) {
  if (n.depth == 0) {
    n.leaves->fetch_add(1);
    return;
  }
  tree_node kids[2] = {{n.leaves, n.depth - 1}, {n.leaves, n.depth - 1}};
  fp::job jobs[2];
  for (int i = 0; i < 2; ++i) jobs[i] = fp::job::of(kids[i], [](tree_node& k) { visit_tree(k); });
  fp::job_counter done;
  fp::job_system::current()->run_jobs(jobs, done);
  done.wait();
}

TEST(FiberPool, NestedForkJoinTree) {
  fp::job_system pool(small(2, 16));
  std::atomic<int> leaves{0};
  tree_node root{&leaves, 3};
  fp::job_counter done;
  pool.submit(fp::job::of(root, [](tree_node& n) { visit_tree(n); }), &done);
  done.wait();
  EXPECT_EQ(leaves.load(), 8);
}

// The only worker is held inside a job while low, normal and high jobs queue; once released it
// takes them high first, then normal, then low (FIFO within a priority).
TEST(FiberPool, WorkerTakesHigherPrioritiesFirst) {
  fp::job_system pool(small(1, 4));
  std::atomic<bool> release{false};
  std::atomic<bool> holding{false};
  auto gate = [&] {
    holding = true;
    hold_until(release);
  };
  std::mutex mu;
  std::vector<int> order;
  struct tagged {
    std::mutex* mu;
    std::vector<int>* order;
    int tag;
  };
  std::vector<tagged> tags;
  tags.reserve(9);
  fp::job_counter done;
  pool.submit(fp::job::of(gate), &done);
  while (!holding.load()) std::this_thread::yield();
  const fp::priority levels[3] = {fp::priority::low, fp::priority::normal, fp::priority::high};
  for (int i = 0; i < 9; ++i) {
    tags.push_back({&mu, &order, i});
    pool.submit(fp::job::of(
                    tags.back(),
                    [](tagged& t) {
                      std::lock_guard guard(*t.mu);
                      t.order->push_back(t.tag);
                    },
                    levels[i % 3]),
                &done);
  }
  release = true;
  done.wait();
  // tags: i % 3 == 2 high (2, 5, 8), == 1 normal (1, 4, 7), == 0 low (0, 3, 6).
  EXPECT_EQ(order, (std::vector<int>{2, 5, 8, 1, 4, 7, 0, 3, 6}));
}

// A fiber whose counter reached zero is resumed before a new job of the same priority starts.
TEST(FiberPool, ReadyFiberGoesBeforeNewJobs) {
  fp::job_system pool(small(1, 4));
  std::mutex mu;
  std::vector<const char*> order;
  auto log = [&](const char* what) {
    std::lock_guard guard(mu);
    order.push_back(what);
  };
  auto child = [&] { log("child"); };
  auto later = [&] { log("later"); };
  auto parent = [&] {
    fp::job_counter kid;
    fp::job_system::current()->submit(fp::job::of(child), &kid);
    // Queued behind the child: after the child ends, the parent is ready and goes first.
    fp::job_system::current()->submit(fp::job::of(later));
    kid.wait();
    log("parent resumed");
  };
  fp::job_counter done;
  pool.submit(fp::job::of(parent), &done);
  done.wait();
  pool.stop();
  EXPECT_EQ(order, (std::vector<const char*>{"child", "parent resumed", "later"}));
}

// One fiber: jobs never overlap even with two workers (the queue waits for a free fiber).
TEST(FiberPool, QueuedJobsWaitForAFreeFiber) {
  fp::job_system pool(small(2, 1));
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  auto job = [&] {
    const int now = inside.fetch_add(1) + 1;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    inside.fetch_sub(1);
  };
  fp::job_counter done;
  for (int i = 0; i < 20; ++i) pool.submit(fp::job::of(job), &done);
  done.wait();
  EXPECT_EQ(most.load(), 1);
}

TEST(FiberPool, BatchLargerThanTheQueueGrowsIt) {
  fp::options o = small(2, 4);
  o.queue_capacity = 4;
  fp::job_system pool(o);
  std::atomic<int> runs{0};
  auto job = [&] { runs.fetch_add(1); };
  std::vector<fp::job> jobs(500, fp::job::of(job));
  fp::job_counter done;
  pool.run_jobs(jobs, done);
  done.wait();
  EXPECT_EQ(runs.load(), 500);
}

std::atomic<int> failures{0};

TEST(FiberPool, ThrowingJobGoesToTheHandlerAndStillCounts) {
  failures = 0;
  fp::options o = small(2, 4);
  o.on_job_failure = [](std::exception_ptr) noexcept { failures.fetch_add(1); };
  fp::job_system pool(o);
  auto thrower = [] { throw std::runtime_error("boom"); };
  fp::job_counter done;
  for (int i = 0; i < 3; ++i) pool.submit(fp::job::of(thrower), &done);
  done.wait();
  EXPECT_EQ(failures.load(), 3);
}

// A fiber::go fiber on another executor waits on a job counter: it suspends (waiter).
TEST(FiberPool, GoFiberWaitsOnAJobCounter) {
  fp::job_system pool(small(1, 2));
  exec::pool_options eo;
  eo.workers = 1;
  exec::fast_pool other(eo);
  std::atomic<int> runs{0};
  auto job = [&] { runs.fetch_add(1); };
  fiber::sync::event finished;
  int seen = -1;
  fiber::go(other, [&] {
    fp::job_counter done;
    for (int i = 0; i < 4; ++i) pool.submit(fp::job::of(job), &done);
    done.wait();
    seen = runs.load();
    finished.fire();
  });
  finished.wait();
  EXPECT_EQ(seen, 4);
  other.stop();
}

// stop() (and the destructor) run what is queued, including what those jobs submit.
TEST(FiberPool, DestructionRunsQueuedJobs) {
  std::atomic<int> runs{0};
  auto leaf = [&] { runs.fetch_add(1); };
  auto spawner = [&] {
    for (int i = 0; i < 5; ++i) fp::job_system::current()->submit(fp::job::of(leaf));
    runs.fetch_add(1);
  };
  {
    fp::job_system pool(small(2, 4));
    for (int i = 0; i < 50; ++i) pool.submit(fp::job::of(spawner));
  }  // no wait: the destructor drains
  EXPECT_EQ(runs.load(), 50 * 6);
}

TEST(FiberPool, StopIsIdempotentAndWaitsForWaitingJobs) {
  fp::job_system pool(small(2, 8));
  std::atomic<int> runs{0};
  auto child = [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    runs.fetch_add(1);
  };
  auto parent = [&] {
    fp::job kids[2] = {fp::job::of(child), fp::job::of(child)};
    fp::job_counter c;
    fp::job_system::current()->run_jobs(kids, c);
    c.wait();
    runs.fetch_add(1);
  };
  for (int i = 0; i < 3; ++i) pool.submit(fp::job::of(parent));
  pool.stop();
  EXPECT_EQ(runs.load(), 9);
  pool.stop();
}

}  // namespace
