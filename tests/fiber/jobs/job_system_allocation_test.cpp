// The fiber pool's memory promise, asserted: once warm, a round of jobs with nested fork/join
// waits allocates nothing — jobs are copied into preallocated rings, fibers and their stacks
// are reused, wait nodes live on the waiting fiber's (or thread's) stack. Global operator new
// is replaced in this binary (bench/allocation_counter.cpp) to count.
#include <atomic>
#include <cstddef>

#include <gtest/gtest.h>

#include <spindle/fiber/jobs/job_system.hpp>

#include "../../../bench/allocation_counter.hpp"

namespace fj = spindle::fiber::jobs;
using spindle::bench::allocations;

namespace {

void parent_job(std::atomic<int>& leaves) {
  fj::job kids[8];
  for (auto& k : kids) {
    k = fj::job::of(leaves, [](std::atomic<int>& n) { n.fetch_add(1, std::memory_order_relaxed); });
  }
  fj::job_counter done;
  fj::job_system::current()->run_jobs(kids, done);
  done.wait();  // parks this fiber: the worker runs the children on other fibers
}

// 4 parents each forking 8 children and waiting; a plain thread waits on the parents.
TEST(FiberPoolAllocation, SteadyStateAllocatesNothing) {
  fj::options o;
  o.workers = 2;
  o.fibers = 8;
  o.name = "alloc";
  fj::job_system pool(o);
  std::atomic<int> leaves{0};
  fj::job parents[4];
  for (auto& p : parents) p = fj::job::of(leaves, [](std::atomic<int>& l) { parent_job(l); });
  auto round = [&] {
    fj::job_counter done;
    pool.run_jobs(parents, done);
    done.wait();
  };
  round();  // warm-up: whatever the runtime sets up per thread on first use
  const std::size_t before = allocations();
  ASSERT_GT(before, 0u);  // the counting operator new is live (the pool's constructor allocates)
  for (int i = 0; i < 50; ++i) round();
  EXPECT_EQ(allocations() - before, 0u);
  EXPECT_EQ(leaves.load(), 51 * 4 * 8);
}

}  // namespace
