// Storage tests of fiber::jobs::job_counter: the waiter frees the counter the moment wait()
// returns, so the job end that published zero must not touch it afterwards (ASAN catches a
// use-after-free; in faulty builds the schedule is perturbed).
#include <atomic>
#include <memory>

#include <gtest/gtest.h>

#include <spindle/fiber/jobs/job_system.hpp>

#include "../../support/stress.hpp"

namespace fp = spindle::fiber::pool;

namespace {

fp::options opts() {
  fp::options o;
  o.workers = 2;
  o.fibers = 8;
  o.name = "storage";
  return o;
}

TEST(FiberPoolStorage, ThreadFreesCounterRightAfterWait) {
  fp::job_system pool(opts());
  std::atomic<int> runs{0};
  auto job = [&] { runs.fetch_add(1, std::memory_order_relaxed); };
  spindle::test::repeat_within_budget(20000, [&](std::size_t) {
    auto counter = std::make_unique<fp::job_counter>();
    fp::job jobs[2] = {fp::job::of(job), fp::job::of(job)};
    pool.run_jobs(jobs, *counter);
    counter->wait();
    counter.reset();
  });
  pool.stop();
  EXPECT_GT(runs.load(), 0);
}

TEST(FiberPoolStorage, JobFreesCounterRightAfterWait) {
  fp::job_system pool(opts());
  std::atomic<int> runs{0};
  auto child = [&] { runs.fetch_add(1, std::memory_order_relaxed); };
  auto parent = [&] {
    for (int i = 0; i < 20; ++i) {
      auto counter = std::make_unique<fp::job_counter>();
      fp::job jobs[2] = {fp::job::of(child), fp::job::of(child)};
      fp::job_system::current()->run_jobs(jobs, *counter);
      counter->wait();
      counter.reset();
    }
  };
  spindle::test::repeat_within_budget(1000, [&](std::size_t) {
    fp::job_counter done;
    fp::job parents[2] = {fp::job::of(parent), fp::job::of(parent)};
    pool.run_jobs(parents, done);
    done.wait();
  });
  EXPECT_GT(runs.load(), 0);
}

}  // namespace
