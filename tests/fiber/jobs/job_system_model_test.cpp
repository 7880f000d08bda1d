// Model tests of fiber::jobs::job_system (2 workers x 4 fibers): explored by the simulator in
// sim builds, stress-repeated on real threads in std and faulty builds. A lost wakeup (of a
// parked fiber or of a sleeping worker) shows up as a deadlock, a missing happens-before edge
// as a data race on a twist::shared cell, a waker touching a freed counter as a use-after-free
// of simulated memory. The pool is destroyed inside each body: its workers are joined before
// the simulated run ends.
#include <array>
#include <memory>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/fiber/jobs/job_system.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace fj = spindle::fiber::jobs;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

namespace {

constexpr test::exploration_plan kPlan{
    .random_runs = 2000, .second_runs = 2000, .budget = std::chrono::milliseconds(300)};

fj::options two_by_four() {
  fj::options o;
  o.workers = 2;
  o.fibers = 4;
  o.stack_size = 32 * 1024;
  o.name = "model";
  return o;
}

// A job waits on a counter that another job decrements; the child's write must happen-before
// the parent's read after wait() (and the parent's before the main thread's).
TEST(FiberPoolModel, JobWaitsOnCounterAnotherJobDecrements) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      fj::job_system pool(two_by_four());
      twist::shared<int> child_wrote{0};
      twist::shared<int> parent_saw{0};
      auto child = [&] { child_wrote.write(1); };
      auto parent = [&] {
        fj::job_counter kid;
        fj::job_system::current()->submit(fj::job::of(child), &kid);
        kid.wait();
        parent_saw.write(child_wrote.read());
      };
      fj::job_counter done;
      pool.submit(fj::job::of(parent), &done);
      done.wait();
      SPINDLE_VERIFY(parent_saw.read() == 1, "the parent resumed before its child ended");
    });
  }
}

// The last of two decrements races the parent's wait (fast path, enqueue, park, or notified
// before the worker parks the fiber); the parent frees the counter the moment wait() returns.
// A plain thread waits on the outer counter at the same time.
TEST(FiberPoolModel, LastDecrementRacesTheWait) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      fj::job_system pool(two_by_four());
      twist::shared<int> a{0};
      twist::shared<int> b{0};
      twist::shared<int> sum{0};
      auto left = [&] { a.write(1); };
      auto right = [&] { b.write(2); };
      auto parent = [&] {
        auto kids = std::make_unique<fj::job_counter>();
        std::array<fj::job, 2> jobs{fj::job::of(left), fj::job::of(right)};
        fj::job_system::current()->run_jobs(jobs, *kids);
        kids->wait();
        kids.reset();  // storage: the last decrement must not touch it after publishing zero
        sum.write(a.read() + b.read());
      };
      fj::job_counter done;
      pool.submit(fj::job::of(parent, fj::priority::high), &done);
      done.wait();
      SPINDLE_VERIFY(sum.read() == 3, "the parent missed a child's write");
    });
  }
}

// A submit with the counter races the end of the counter's last job while the main thread
// waits on it (job_counter.hpp, step 4): if the submit's add() lands while that end holds the
// lock bit, the end must put the waiters back, for the new job's end to wake them.
TEST(FiberPoolModel, SubmitRacesTheLastEnd) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      fj::job_system pool(two_by_four());
      twist::atomic<int> runs{0};
      auto work = [&] { runs.fetch_add(1, std::memory_order_relaxed); };
      fj::job_counter done;
      pool.submit(fj::job::of(work), &done);
      twist::thread submitter([&] { pool.submit(fj::job::of(work), &done); });
      done.wait();
      submitter.join();
      done.wait();  // the second job's end, if the first wait() returned before its submit
      SPINDLE_VERIFY(runs.load(std::memory_order_relaxed) == 2, "a job was lost");
    });
  }
}

// Shutdown with jobs in flight: nobody waits from outside; the destructor must run every job,
// including children submitted during stop() and parents parked on them.
TEST(FiberPoolModel, ShutdownWithJobsInFlight) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      twist::atomic<int> runs{0};
      // The jobs' callables outlive the pool: its destructor still runs them.
      auto child = [&] { runs.fetch_add(1, std::memory_order_relaxed); };
      auto parent = [&] {
        fj::job_counter kid;
        fj::job_system::current()->submit(fj::job::of(child), &kid);
        kid.wait();
        runs.fetch_add(1, std::memory_order_relaxed);
      };
      {
        fj::job_system pool(two_by_four());
        pool.submit(fj::job::of(parent));
        pool.submit(fj::job::of(child, fj::priority::low));
      }  // ~job_system: stop() drains, joins
      SPINDLE_VERIFY(runs.load(std::memory_order_relaxed) == 3,
                     "a job was lost or run twice at shutdown");
    });
  }
}

}  // namespace
