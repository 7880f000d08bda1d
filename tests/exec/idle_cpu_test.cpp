// An idle pool burns no CPU: after a burst of work, its parked workers use a small fraction of
// one core over half a second. A generous bound (it catches a busy-polling worker, which uses
// a whole core per worker), not a speed test.
#include <time.h>

#include <chrono>

#include <gtest/gtest.h>

#include "exec_test_support.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class IdlePool : public testing::TestWithParam<test::pool_kind> {};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Kinds, IdlePool,
                         testing::Values(test::pool_kind::compute_mutex,
                                         test::pool_kind::compute_lock_free,
                                         test::pool_kind::fast),
                         test::pool_kind_param_name());

TEST_P(IdlePool, UsesAlmostNoCpu) {
  constexpr double kIdleSeconds = 0.5;
  constexpr double kMaxFractionOfOneCore = 0.2;  // a spinning worker would be ~1.0 per worker
  auto pool = test::make_pool(GetParam(), 4);
  twist::atomic<int> ran{0};
  for (int i = 0; i < 1000; ++i) exec::submit(*pool, [&] { ran.fetch_add(1); });
  pool->wait_idle();
  ASSERT_EQ(ran.load(), 1000);
  const double cpu_before = process_cpu_seconds();
  const auto wall_before = std::chrono::steady_clock::now();
  twist::this_thread::sleep_for(std::chrono::duration<double>(kIdleSeconds));
  const double cpu = process_cpu_seconds() - cpu_before;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  EXPECT_LT(cpu, kMaxFractionOfOneCore * wall)
      << "an idle pool of 4 workers used " << cpu << " s of CPU in " << wall << " s";
}
