// sim::explore on small programs: correct ones pass, each kind of bug is found and reported,
// and the failing schedule replays from its token.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <spindle/base/config.hpp>
#include <spindle/sim/explore.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/spin_wait.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle {
namespace {

using namespace std::chrono_literals;

sim::options quick(sim::strategy s = sim::strategy::random) {
  sim::options opts;
  opts.strategy = s;
  opts.max_runs = 2000;
  opts.time_budget = 2000ms;
  opts.progress = false;
  return opts;
}

void two_incrementers(bool atomic_increment) {
  twist::atomic<int> counter{0};
  auto increment = [&] {
    if (atomic_increment) {
      counter.fetch_add(1);
    } else {
      counter.store(counter.load() + 1);  // lost update: load and store are two steps
    }
  };
  twist::thread a(increment);
  twist::thread b(increment);
  a.join();
  b.join();
  SPINDLE_VERIFY(counter.load() == 2, "an increment was lost");
}

TEST(Explore, CorrectProgramPassesManySchedules) {
  const sim::result r = sim::explore(quick(), [] { two_incrementers(true); });
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.runs, 2000u);
  EXPECT_EQ(r.max_threads, 3u);
  EXPECT_GT(r.steps, r.runs * 4);
}

TEST(Explore, LostUpdateIsFoundWithTraceAndToken) {
  const sim::result r = sim::explore(quick(), [] { two_incrementers(false); });
  ASSERT_EQ(r.outcome, sim::outcome::assertion_failed) << r.report;
  EXPECT_NE(r.report.find("an increment was lost"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("SPINDLE_SIM_REPLAY=S1"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("explore_test.cpp"), std::string::npos) << r.report;
  // Shrunk to the one preemption between a load and its store: greedy removal can stop at an
  // equivalent two-deviation schedule, the bounded second phase then finds the shorter one.
  EXPECT_NE(r.report.find("schedule: 1 deviations"), std::string::npos) << r.report;
  const sim::result again = sim::replay(r.token, quick(), [] { two_incrementers(false); });
  EXPECT_EQ(again.outcome, sim::outcome::assertion_failed) << again.report;
}

TEST(Explore, ReplayOfTheDefaultScheduleOfACorrectProgramPasses) {
  const sim::result r = sim::explore(quick(), [] { two_incrementers(false); });
  ASSERT_FALSE(r.ok());
  // The token's schedule fails; the empty schedule (no preemption) does not.
  const sim::result r2 = sim::replay("S1" "AAAA", quick(), [] { two_incrementers(false); });
  EXPECT_EQ(r2.outcome, sim::outcome::bad_token) << r2.report;
}

TEST(Explore, DamagedTokenIsRejectedClearly) {
  const sim::result r = sim::explore(quick(), [] { two_incrementers(false); });
  ASSERT_FALSE(r.token.empty());
  std::string damaged = r.token;
  damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == 'A' ? 'B' : 'A';
  const sim::result bad = sim::replay(damaged, quick(), [] { two_incrementers(false); });
  EXPECT_EQ(bad.outcome, sim::outcome::bad_token);
  EXPECT_NE(bad.report.find("checksum"), std::string::npos) << bad.report;
  EXPECT_EQ(sim::replay("hello", quick(), [] {}).outcome, sim::outcome::bad_token);
}

TEST(Explore, DeadlockReportsEveryBlockedThread) {
  const sim::result r = sim::explore(quick(), [] {
    twist::mutex a;
    twist::mutex b;
    twist::thread t1([&] {
      std::lock_guard first{a};
      std::lock_guard second{b};
    });
    twist::thread t2([&] {
      std::lock_guard first{b};
      std::lock_guard second{a};
    });
    t1.join();
    t2.join();
  });
  ASSERT_EQ(r.outcome, sim::outcome::deadlock) << r.report;
  EXPECT_NE(r.report.find("T1 blocked in futex wait"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("T2 blocked in futex wait"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("T0 blocked in join of T1"), std::string::npos) << r.report;
}

TEST(Explore, SleepingThreadsAreNotADeadlock) {
  const sim::result r = sim::explore(quick(), [] {
    const auto start = twist::steady_clock::now();
    twist::thread sleeper([] { twist::this_thread::sleep_for(10ms); });
    twist::this_thread::sleep_for(5ms);
    sleeper.join();
    SPINDLE_VERIFY(twist::steady_clock::now() - start >= 10ms, "virtual time must pass");
    SPINDLE_VERIFY(twist::steady_clock::now() - start < 20ms, "no more time than slept");
  });
  EXPECT_TRUE(r.ok()) << r.report;
}

TEST(Explore, TimedWaitTimesOutWhenNobodyWakes) {
  const sim::result r = sim::explore(quick(), [] {
    twist::atomic<std::uint32_t> word{0};
    const bool woken = twist::futex::wait_for(word, 0, 1ms);
    SPINDLE_VERIFY(!woken || true, "");
    twist::thread waker([&] {
      const auto key = twist::futex::prepare_wake(word);
      word.store(1);
      twist::futex::wake_one(key);
    });
    while (word.load() == 0) twist::futex::wait_for(word, 0, 1ms);
    waker.join();
  });
  EXPECT_TRUE(r.ok()) << r.report;
}

TEST(Explore, EarlyTimeoutIsExplored) {
  // A program that wrongly assumes a 1 s timed wait cannot expire before the waker runs.
  const sim::result r = sim::explore(quick(), [] {
    twist::atomic<std::uint32_t> word{0};
    twist::thread waker([&] {
      const auto key = twist::futex::prepare_wake(word);
      word.store(1);
      twist::futex::wake_one(key);
    });
    const bool woken = twist::futex::wait_for(word, 0, 1s);
    waker.join();
    SPINDLE_VERIFY(woken, "timed out although the waker was running");
  });
  EXPECT_EQ(r.outcome, sim::outcome::assertion_failed) << r.report;
}

TEST(Explore, UncaughtExceptionInAThread) {
  const sim::result r = sim::explore(quick(), [] {
    twist::thread t([] { throw std::runtime_error("boom"); });
    t.join();
  });
  ASSERT_EQ(r.outcome, sim::outcome::uncaught_exception) << r.report;
  EXPECT_NE(r.report.find("boom"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("T1"), std::string::npos) << r.report;
}

TEST(Explore, SpinningForeverIsALivelock) {
  sim::options opts = quick();
  opts.max_steps = 5000;
  const sim::result r = sim::explore(opts, [] {
    twist::atomic<bool> never{false};
    twist::spin_wait spin;
    while (!never.load()) spin();
  });
  EXPECT_EQ(r.outcome, sim::outcome::livelock) << r.report;
}

TEST(Explore, RelaxedPublicationIsADataRace) {
  const auto publish = [](std::memory_order store_order, std::memory_order load_order) {
    return [=] {
      twist::shared<int> data{0};
      twist::atomic<bool> ready{false};
      twist::thread producer([&] {
        data.write(42);
        ready.store(true, store_order);
      });
      while (!ready.load(load_order)) twist::this_thread::yield();
      SPINDLE_VERIFY(data.read() == 42, "published value lost");
      producer.join();
    };
  };
  const sim::result racy =
      sim::explore(quick(), publish(std::memory_order_relaxed, std::memory_order_acquire));
  ASSERT_EQ(racy.outcome, sim::outcome::data_race) << racy.report;
  EXPECT_NE(racy.report.find("write by T1"), std::string::npos) << racy.report;
  EXPECT_NE(racy.report.find("read by T0"), std::string::npos) << racy.report;

  const sim::result also_racy =
      sim::explore(quick(), publish(std::memory_order_release, std::memory_order_relaxed));
  EXPECT_EQ(also_racy.outcome, sim::outcome::data_race) << also_racy.report;

  const sim::result fine =
      sim::explore(quick(), publish(std::memory_order_release, std::memory_order_acquire));
  EXPECT_TRUE(fine.ok()) << fine.report;
}

TEST(Explore, FencesPublishWithRelaxedAccesses) {
  const sim::result r = sim::explore(quick(), [] {
    twist::shared<int> data{0};
    twist::atomic<bool> ready{false};
    twist::thread producer([&] {
      data.write(7);
      twist::atomic_thread_fence(std::memory_order_release);
      ready.store(true, std::memory_order_relaxed);
    });
    while (!ready.load(std::memory_order_relaxed)) twist::this_thread::yield();
    twist::atomic_thread_fence(std::memory_order_acquire);
    SPINDLE_VERIFY(data.read() == 7, "published value lost");
    producer.join();
  });
  EXPECT_TRUE(r.ok()) << r.report;
}

TEST(Explore, JoinOrdersTheChildBeforeTheJoiner) {
  const sim::result r = sim::explore(quick(), [] {
    twist::shared<int> data{0};
    twist::thread child([&] { data.write(1); });
    child.join();
    data.write(data.read() + 1);
  });
  EXPECT_TRUE(r.ok()) << r.report;
}

TEST(Explore, StateLeakingAcrossRunsIsNondeterminism) {
  static int calls = 0;
  calls = 0;
  const sim::result r = sim::explore(quick(), [] {
    twist::atomic<int> x{0};
    if (++calls % 2 == 0) x.store(1);  // behaves differently every other run
    x.load();
  });
  EXPECT_EQ(r.outcome, sim::outcome::nondeterminism) << r.report;
}

TEST(Explore, MisusedMutexIsReported) {
  const sim::result r = sim::explore(quick(), [] {
    twist::mutex m;
    twist::thread t([&] { m.unlock(); });
    t.join();
  });
  ASSERT_EQ(r.outcome, sim::outcome::assertion_failed) << r.report;
  EXPECT_NE(r.report.find("does not hold it"), std::string::npos) << r.report;
}

TEST(Explore, ManyThreads) {
  sim::options opts = quick();
  opts.max_runs = 20;
  const sim::result r = sim::explore(opts, [] {
    twist::atomic<int> counter{0};
    std::vector<twist::thread> threads;
    for (int i = 0; i < 100; ++i) threads.emplace_back([&] { counter.fetch_add(1); });
    for (auto& t : threads) t.join();
    SPINDLE_VERIFY(counter.load() == 100, "lost increments");
  });
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.max_threads, 101u);
}

}  // namespace
}  // namespace spindle

namespace spindle {
namespace {

TEST(ExploreDeathTest, AbortInASimulatedThreadPrintsTheRunsToken) {
  EXPECT_DEATH(
      {
        sim::explore(quick(), [] {
          twist::atomic<int> x{0};
          twist::thread t([&] {
            x.store(1);
            std::abort();
          });
          t.join();
        });
      },
      "abort\\(\\).*simulated thread T1.*SPINDLE_SIM_REPLAY=S1");
}

TEST(ExploreDeathTest, TerminateInASimulatedThreadIsReported) {
  EXPECT_DEATH(
      {
        sim::explore(quick(), [] {
          twist::thread t([] { std::terminate(); });
          t.join();
        });
      },
      "std::terminate.*simulated thread T1.*SPINDLE_SIM_REPLAY=S1");
}

}  // namespace
}  // namespace spindle

namespace spindle {
namespace {

TEST(ExploreProgress, LongExplorationsPrintAProgressLine) {
  sim::options opts = quick();
  opts.max_runs = 100'000'000;
  opts.time_budget = std::chrono::milliseconds(2600);  // the line starts after ~2 s
  opts.progress = true;
  ::testing::internal::CaptureStderr();
  const sim::result r = sim::explore(opts, [] { two_incrementers(true); });
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_NE(err.find("spindle sim: random: "), std::string::npos) << err;
  EXPECT_NE(err.find(" schedules, "), std::string::npos) << err;
  EXPECT_NE(err.find("/s, "), std::string::npos) << err;
  // Not a terminal here: separate lines, a few seconds apart, so at most one in 2.6 s.
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

}  // namespace
}  // namespace spindle

namespace spindle {
namespace {

int deep(int n) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(n);
  return n == 0 ? frame[0] : deep(n - 1) + frame[0];
}

TEST(ExploreDeathTest, StackOverflowInASimulatedThreadIsNamed) {
  EXPECT_DEATH(
      {
        sim::options opts = quick();
        opts.stack_size = 64 * 1024;
        sim::explore(opts, [] {
          twist::atomic<int> x{0};
          x.store(deep(1 << 20));
        });
      },
      "stack overflow.*simulated thread T0.*SPINDLE_SIM_REPLAY=S1");
}

}  // namespace
}  // namespace spindle
