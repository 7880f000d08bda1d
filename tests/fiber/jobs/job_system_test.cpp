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
namespace fj = spindle::fiber::jobs;

namespace {

fj::options small(std::size_t workers, std::size_t fibers) {
  fj::options o;
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
  fj::job_system pool(small(2, 8));
  EXPECT_EQ(pool.num_workers(), 2u);
  EXPECT_EQ(pool.num_fibers(), 8u);
  std::array<std::atomic<int>, 100> runs{};
  std::array<fj::job, 100> jobs;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i] = fj::job::of(runs[i], [](std::atomic<int>& r) { r.fetch_add(1); });
  }
  fj::job_counter done;
  pool.run_jobs(jobs, done);
  done.wait();
  EXPECT_EQ(done.value(), 0u);
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(FiberPool, CounterIsReusableAcrossBatches) {
  fj::job_system pool(small(2, 4));
  std::atomic<int> sum{0};
  auto add_one = [&] { sum.fetch_add(1); };
  fj::job_counter done;
  for (int round = 1; round <= 5; ++round) {
    for (int i = 0; i < 10; ++i) pool.submit(fj::job::of(add_one), &done);
    done.wait();
    EXPECT_EQ(sum.load(), round * 10);
  }
}

TEST(FiberPool, CurrentIsThePoolInsideAJobOnly) {
  fj::job_system pool(small(1, 2));
  EXPECT_EQ(fj::job_system::current(), nullptr);
  fj::job_system* seen = nullptr;
  bool is_go_fiber = true;
  auto probe = [&] {
    seen = fj::job_system::current();
    is_go_fiber = fiber::is_fiber();
  };
  fj::job_counter done;
  pool.submit(fj::job::of(probe), &done);
  done.wait();
  EXPECT_EQ(seen, &pool);
  EXPECT_FALSE(is_go_fiber);  // pool jobs are not fiber::go fibers (documented)
}

// One worker: if wait() blocked the thread, the children could never run.
TEST(FiberPool, NestedWaitSwitchesFibersOnOneWorker) {
  fj::job_system pool(small(1, 4));
  std::atomic<int> children_done{0};
  int seen_after_wait = -1;
  auto child = [&] { children_done.fetch_add(1); };
  auto parent = [&] {
    std::array<fj::job, 3> kids{fj::job::of(child), fj::job::of(child), fj::job::of(child)};
    fj::job_counter kids_done;
    fj::job_system::current()->run_jobs(kids, kids_done);
    kids_done.wait();
    seen_after_wait = children_done.load();
  };
  fj::job_counter done;
  pool.submit(fj::job::of(parent), &done);
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
  fj::job jobs[2];
  for (int i = 0; i < 2; ++i) jobs[i] = fj::job::of(kids[i], [](tree_node& k) { visit_tree(k); });
  fj::job_counter done;
  fj::job_system::current()->run_jobs(jobs, done);
  done.wait();
}

TEST(FiberPool, NestedForkJoinTree) {
  fj::job_system pool(small(2, 16));
  std::atomic<int> leaves{0};
  tree_node root{&leaves, 3};
  fj::job_counter done;
  pool.submit(fj::job::of(root, [](tree_node& n) { visit_tree(n); }), &done);
  done.wait();
  EXPECT_EQ(leaves.load(), 8);
}

// The only worker is held inside a job while low, normal and high jobs queue; once released it
// takes them high first, then normal, then low (FIFO within a priority).
TEST(FiberPool, WorkerTakesHigherPrioritiesFirst) {
  fj::job_system pool(small(1, 4));
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
  fj::job_counter done;
  pool.submit(fj::job::of(gate), &done);
  while (!holding.load()) std::this_thread::yield();
  const fj::priority levels[3] = {fj::priority::low, fj::priority::normal, fj::priority::high};
  for (int i = 0; i < 9; ++i) {
    tags.push_back({&mu, &order, i});
    pool.submit(fj::job::of(
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
  fj::job_system pool(small(1, 4));
  std::mutex mu;
  std::vector<const char*> order;
  auto log = [&](const char* what) {
    std::lock_guard guard(mu);
    order.push_back(what);
  };
  auto child = [&] { log("child"); };
  auto later = [&] { log("later"); };
  auto parent = [&] {
    fj::job_counter kid;
    fj::job_system::current()->submit(fj::job::of(child), &kid);
    // Queued behind the child: after the child ends, the parent is ready and goes first.
    fj::job_system::current()->submit(fj::job::of(later));
    kid.wait();
    log("parent resumed");
  };
  fj::job_counter done;
  pool.submit(fj::job::of(parent), &done);
  done.wait();
  pool.stop();
  EXPECT_EQ(order, (std::vector<const char*>{"child", "parent resumed", "later"}));
}

// One fiber: jobs never overlap even with two workers (the queue waits for a free fiber).
TEST(FiberPool, QueuedJobsWaitForAFreeFiber) {
  fj::job_system pool(small(2, 1));
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
  fj::job_counter done;
  for (int i = 0; i < 20; ++i) pool.submit(fj::job::of(job), &done);
  done.wait();
  EXPECT_EQ(most.load(), 1);
}

TEST(FiberPool, BatchLargerThanTheQueueGrowsIt) {
  fj::options o = small(2, 4);
  o.queue_capacity = 4;
  fj::job_system pool(o);
  std::atomic<int> runs{0};
  auto job = [&] { runs.fetch_add(1); };
  std::vector<fj::job> jobs(500, fj::job::of(job));
  fj::job_counter done;
  pool.run_jobs(jobs, done);
  done.wait();
  EXPECT_EQ(runs.load(), 500);
}

std::atomic<int> failures{0};

TEST(FiberPool, ThrowingJobGoesToTheHandlerAndStillCounts) {
  failures = 0;
  fj::options o = small(2, 4);
  o.on_job_failure = [](std::exception_ptr) noexcept { failures.fetch_add(1); };
  fj::job_system pool(o);
  auto thrower = [] { throw std::runtime_error("boom"); };
  fj::job_counter done;
  for (int i = 0; i < 3; ++i) pool.submit(fj::job::of(thrower), &done);
  done.wait();
  EXPECT_EQ(failures.load(), 3);
}

// A fiber::go fiber on another executor waits on a job counter: it suspends (waiter).
TEST(FiberPool, GoFiberWaitsOnAJobCounter) {
  fj::job_system pool(small(1, 2));
  exec::pool_options eo;
  eo.workers = 1;
  exec::fast_pool other(eo);
  std::atomic<int> runs{0};
  auto job = [&] { runs.fetch_add(1); };
  fiber::sync::event finished;
  int seen = -1;
  fiber::go(other, [&] {
    fj::job_counter done;
    for (int i = 0; i < 4; ++i) pool.submit(fj::job::of(job), &done);
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
    for (int i = 0; i < 5; ++i) fj::job_system::current()->submit(fj::job::of(leaf));
    runs.fetch_add(1);
  };
  {
    fj::job_system pool(small(2, 4));
    for (int i = 0; i < 50; ++i) pool.submit(fj::job::of(spawner));
  }  // no wait: the destructor drains
  EXPECT_EQ(runs.load(), 50 * 6);
}

TEST(FiberPool, StopIsIdempotentAndWaitsForWaitingJobs) {
  fj::job_system pool(small(2, 8));
  std::atomic<int> runs{0};
  auto child = [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    runs.fetch_add(1);
  };
  auto parent = [&] {
    fj::job kids[2] = {fj::job::of(child), fj::job::of(child)};
    fj::job_counter c;
    fj::job_system::current()->run_jobs(kids, c);
    c.wait();
    runs.fetch_add(1);
  };
  for (int i = 0; i < 3; ++i) pool.submit(fj::job::of(parent));
  pool.stop();
  EXPECT_EQ(runs.load(), 9);
  pool.stop();
}

}  // namespace
