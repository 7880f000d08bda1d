// Stress of fiber::jobs::job_system on real threads (std, faulty, sanitizers): two workers,
// thousands of jobs in nested fork/join trees, every job run exactly once; plain threads wait
// on counters beside the workers. SPINDLE_STRESS_SECONDS sets the budget.
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/fiber/jobs/job_system.hpp>

#include "../../support/stress.hpp"

namespace fj = spindle::fiber::jobs;

namespace {

// One node of a fork/join tree: `fanout` children per level, `depth` levels below; each node
// marks its own slot (exactly-once check) and waits for its children.
struct tree_job {
  std::vector<std::atomic<int>>* runs;
  std::size_t index;  // slot in runs; children are index * fanout + 1 ...
  int depth;
};

constexpr std::size_t fanout = 4;

std::size_t tree_size(int depth) {
  std::size_t total = 0, level = 1;
  for (int d = 0; d <= depth; ++d, level *= fanout) total += level;
  return total;
}

void run_tree(tree_job& self) {
  (*self.runs)[self.index].fetch_add(1, std::memory_order_relaxed);
  if (self.depth == 0) return;
  tree_job kids[fanout];
  fj::job jobs[fanout];
  for (std::size_t i = 0; i < fanout; ++i) {
    kids[i] = {self.runs, self.index * fanout + 1 + i, self.depth - 1};
    jobs[i] = fj::job::of(kids[i], [](tree_job& k) { run_tree(k); },
                          i % 2 == 0 ? fj::priority::high : fj::priority::normal);
  }
  fj::job_counter children;
  fj::job_system::current()->run_jobs(jobs, children);
  children.wait();
  // Every child (and its subtree) ended before wait() returned.
  for (std::size_t i = 0; i < fanout; ++i) {
    EXPECT_EQ((*self.runs)[kids[i].index].load(std::memory_order_relaxed), 1);
  }
}

TEST(FiberPoolStress, NestedForkJoinFromPlainThreads) {
  fj::options o;
  o.workers = 2;
  // Jobs start in FIFO order per priority, so a tree unfolds breadth-first: every inner node
  // (21 per tree, 3 trees) may wait at once, each on its own fiber. One more runs the leaves.
  o.fibers = 64;
  o.name = "stress";
  fj::job_system pool(o);
  constexpr int depth = 3;  // 85 jobs per tree, 21 of them inner
  const std::size_t per_tree = tree_size(depth);
  spindle::test::repeat_within_budget(200, [&](std::size_t) {
    constexpr int trees = 3;
    std::vector<std::vector<std::atomic<int>>> runs;
    runs.reserve(trees);
    for (int t = 0; t < trees; ++t) runs.emplace_back(per_tree);
    std::vector<std::thread> submitters;
    for (int t = 0; t < trees; ++t) {
      submitters.emplace_back([&, t] {
        tree_job root{&runs[t], 0, depth};
        fj::job_counter done;
        pool.submit(fj::job::of(root, [](tree_job& r) { run_tree(r); }), &done);
        done.wait();  // a plain thread parks on the counter
      });
    }
    for (auto& s : submitters) s.join();
    for (const auto& tree : runs) {
      for (const auto& r : tree) ASSERT_EQ(r.load(), 1);
    }
  });
}

// Many flat batches from two threads at once, each waited by its submitter; no fiber ever
// waits, so it runs with very few fibers.
TEST(FiberPoolStress, FlatBatchesFromTwoThreads) {
  fj::options o;
  o.workers = 2;
  o.fibers = 2;
  o.queue_capacity = 8;
  o.name = "flat";
  fj::job_system pool(o);
  spindle::test::repeat_within_budget(2000, [&](std::size_t) {
    std::atomic<int> runs{0};
    auto bump = [&] { runs.fetch_add(1, std::memory_order_relaxed); };
    std::thread other([&] {
      std::vector<fj::job> jobs(50, fj::job::of(bump, fj::priority::low));
      fj::job_counter done;
      pool.run_jobs(jobs, done);
      done.wait();
    });
    std::vector<fj::job> jobs(50, fj::job::of(bump));
    fj::job_counter done;
    pool.run_jobs(jobs, done);
    done.wait();
    other.join();
    ASSERT_EQ(runs.load(), 100);
  });
}

}  // namespace
