// A test written against the names spindle had before its layers became folders: the old
// header paths and sim::model_check must keep compiling and working (forwarding headers).
#include <cstdint>

#include <gtest/gtest.h>

#include <spindle/config.hpp>
#include <spindle/fiber/pool/fiber_pool.hpp>
#include <spindle/fiber/pool/job_counter.hpp>
#include <spindle/sim/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/mode.hpp>
#include <spindle/twist/source_location.hpp>
#include <spindle/twist/thread.hpp>

namespace sim = spindle::sim;
namespace twist = spindle::twist;

TEST(OldNames, ModelCheckRunsTheBody) {
  static_assert(twist::current_mode == twist::mode::std_threads ||
                twist::current_mode == twist::mode::faulty_threads ||
                twist::current_mode == twist::mode::simulator);
  const twist::source_location here = twist::source_location::current();
  SPINDLE_VERIFY(here.line() > 0, "source_location names a line");
  int runs = 0;
  sim::options opts;
  opts.stress_iterations = 3;
  sim::model_check(opts, [&] {
    twist::atomic<std::uint32_t> counter{0};
    twist::thread other([&] { counter.fetch_add(1); });
    counter.fetch_add(1);
    other.join();
    EXPECT_EQ(counter.load(), 2u);
    ++runs;
  });
  EXPECT_GE(runs, 1);
}

TEST(OldNames, FiberPoolRunsJobs) {
  namespace fp = spindle::fiber::pool;
  fp::options o;
  o.workers = 1;
  o.fibers = 2;
  fp::fiber_pool pool(o);
  static int ran = 0;
  fp::job_counter done;
  pool.submit(fp::job::of(pool, [](fp::fiber_pool&) { ++ran; }), &done);
  done.wait();
  EXPECT_EQ(ran, 1);
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
