// Misuse of fiber::jobs::job_system stops the program with a clear message — in particular a
// pool whose fibers are all waiting (it could never make progress again) says so instead of
// hanging. (No commas at the top level of the death statements: EXPECT_DEATH is a macro.)
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/coro/coroutine.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/jobs/job_system.hpp>

namespace fj = spindle::fiber::jobs;
namespace coro = spindle::coro;
namespace fiber = spindle::fiber;

namespace {

class FiberPoolMisuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

fj::options tiny(std::size_t fibers) {
  fj::options o;
  o.workers = 1;
  o.fibers = fibers;
  o.name = "misuse";
  return o;
}

// The only fiber waits for a child that needs a fiber to run.
void wait_for_child() {
  fj::job_system pool(tiny(1));
  auto child = [] {};
  auto parent = [&] {
    fj::job_counter kid;
    fj::job_system::current()->submit(fj::job::of(child), &kid);
    kid.wait();
  };
  fj::job_counter done;
  pool.submit(fj::job::of(parent), &done);
  done.wait();
}

TEST_F(FiberPoolMisuse, AllFibersWaitingIsReportedNotHung) {
  EXPECT_DEATH(wait_for_child(),
               "job_system 'misuse': all 1 fibers are waiting on job counters and 1 jobs are "
               "queued: deadlock");
}

// Two fibers, two parents each waiting for a child: the second parent takes the last fiber.
void two_parents() {
  fj::options o = tiny(2);
  o.workers = 2;  // both parents start
  fj::job_system pool(o);
  std::atomic<int> started{0};
  auto child = [] {};
  auto parent = [&] {
    started.fetch_add(1);
    while (started.load() < 2) std::this_thread::yield();  // both parents hold a fiber
    fj::job_counter kid;
    fj::job_system::current()->submit(fj::job::of(child), &kid);
    kid.wait();
  };
  fj::job_counter done;
  pool.submit(fj::job::of(parent), &done);
  pool.submit(fj::job::of(parent), &done);
  done.wait();
}

TEST_F(FiberPoolMisuse, NestingDeeperThanTheFibersIsReported) {
  EXPECT_DEATH(two_parents(), "all 2 fibers are waiting on job counters and 2 jobs are queued");
}

TEST_F(FiberPoolMisuse, SubmitAfterStop) {
  EXPECT_DEATH(
      {
        fj::job_system pool(tiny(2));
        pool.stop();
        pool.submit(fj::job::of(pool, [](fj::job_system&) {}));
      },
      "job_system: submit after stop\\(\\)");
}

void stop_from_job() {
  fj::job_system pool(tiny(2));
  fj::job_counter done;
  pool.submit(fj::job::of(pool, [](fj::job_system& p) { p.stop(); }), &done);
  done.wait();
}

TEST_F(FiberPoolMisuse, StopFromItsOwnJob) {
  EXPECT_DEATH(stop_from_job(), "stop\\(\\) from one of its own jobs");
}

TEST_F(FiberPoolMisuse, JobWithoutEntry) {
  EXPECT_DEATH(
      {
        fj::job_system pool(tiny(1));
        pool.submit(fj::job{});
      },
      "a job without an entry function");
}

TEST_F(FiberPoolMisuse, NoFibers) {
  EXPECT_DEATH({ fj::job_system pool(tiny(0)); }, "options::fibers must be at least 1");
}

void destroy_counter_with_jobs_outstanding() {
  fj::job_system pool(tiny(1));
  std::atomic<bool> release{false};
  auto hold = [&] {
    while (!release.load()) std::this_thread::yield();
  };
  {
    fj::job_counter c;
    pool.submit(fj::job::of(hold), &c);
  }  // destroyed while its job runs
}

TEST_F(FiberPoolMisuse, CounterDestroyedWithJobsOutstanding) {
  EXPECT_DEATH(destroy_counter_with_jobs_outstanding(),
               "job_counter destroyed with jobs outstanding");
}

void wait_in_nested_coroutine() {
  fj::job_system pool(tiny(2));
  auto child = [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); };
  auto parent = [&] {
    coro::coroutine inner([&] {
      fj::job_counter kid;
      fj::job_system::current()->submit(fj::job::of(child), &kid);
      kid.wait();
    });
    inner.resume();
  };
  fj::job_counter done;
  pool.submit(fj::job::of(parent), &done);
  done.wait();
}

TEST_F(FiberPoolMisuse, WaitFromACoroutineNestedInAJob) {
  EXPECT_DEATH(wait_in_nested_coroutine(), "from a coroutine nested in a pool job");
}

#ifndef NDEBUG
void wait_holding_a_spinlock() {
  fj::job_system pool(tiny(2));
  auto child = [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); };
  auto parent = [&] {
    fj::job_counter kid;
    fj::job_system::current()->submit(fj::job::of(child), &kid);
    fiber::no_suspend_scope scope("test lock");
    kid.wait();
  };
  fj::job_counter done;
  pool.submit(fj::job::of(parent), &done);
  done.wait();
}

TEST_F(FiberPoolMisuse, WaitInsideNoSuspendScope) {
  EXPECT_DEATH(wait_holding_a_spinlock(),
               "job_counter::wait\\(\\) inside no_suspend_scope 'test lock'");
}
#endif

}  // namespace
