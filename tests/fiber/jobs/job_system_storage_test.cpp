// Storage tests of fiber::jobs::job_counter: the waiter frees the counter the moment wait()
// returns, so the job end that published zero must not touch it afterwards (ASAN catches a
// use-after-free; in faulty builds the schedule is perturbed).
#include <atomic>
#include <memory>

#include <gtest/gtest.h>

#include <spindle/fiber/jobs/job_system.hpp>

#include "../../support/stress.hpp"

namespace fj = spindle::fiber::jobs;

namespace {

fj::options opts() {
  fj::options o;
  o.workers = 2;
  o.fibers = 8;
  o.name = "storage";
  return o;
}

TEST(FiberPoolStorage, ThreadFreesCounterRightAfterWait) {
  fj::job_system pool(opts());
  std::atomic<int> runs{0};
  auto job = [&] { runs.fetch_add(1, std::memory_order_relaxed); };
  spindle::test::repeat_within_budget(20000, [&](std::size_t) {
    auto counter = std::make_unique<fj::job_counter>();
    fj::job jobs[2] = {fj::job::of(job), fj::job::of(job)};
    pool.run_jobs(jobs, *counter);
    counter->wait();
    counter.reset();
  });
  pool.stop();
  EXPECT_GT(runs.load(), 0);
}

TEST(FiberPoolStorage, JobFreesCounterRightAfterWait) {
  fj::job_system pool(opts());
  std::atomic<int> runs{0};
  auto child = [&] { runs.fetch_add(1, std::memory_order_relaxed); };
  auto parent = [&] {
    for (int i = 0; i < 20; ++i) {
      auto counter = std::make_unique<fj::job_counter>();
      fj::job jobs[2] = {fj::job::of(child), fj::job::of(child)};
      fj::job_system::current()->run_jobs(jobs, *counter);
      counter->wait();
      counter.reset();
    }
  };
  spindle::test::repeat_within_budget(1000, [&](std::size_t) {
    fj::job_counter done;
    fj::job parents[2] = {fj::job::of(parent), fj::job::of(parent)};
    pool.run_jobs(parents, done);
    done.wait();
  });
  EXPECT_GT(runs.load(), 0);
}

}  // namespace
