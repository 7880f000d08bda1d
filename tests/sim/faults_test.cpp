// Faults are scheduler choices: each kind fires on a program that wrongly relies on its
// absence, and switching the kind off makes that program pass. Also: gtest assertions inside
// simulated threads, the condition variable, and SPINDLE_SIM_REPLAY.
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/condition_variable.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle {
namespace {

using namespace std::chrono_literals;

sim::options quick() {
  sim::options opts;
  opts.max_runs = 2000;
  opts.progress = false;
  return opts;
}

// Relies on compare_exchange_weak succeeding whenever the value matches.
void assumes_strong_cas() {
  twist::atomic<int> x{0};
  int expected = 0;
  SPINDLE_VERIFY(x.compare_exchange_weak(expected, 1), "weak CAS failed spuriously");
}

TEST(Faults, SpuriousCasFailureIsExploredAndCanBeSwitchedOff) {
  const sim::result on = sim::explore(quick(), assumes_strong_cas);
  EXPECT_EQ(on.outcome, sim::outcome::assertion_failed) << on.report;
  sim::options off = quick();
  off.faults.spurious_cas = false;
  const sim::result quiet = sim::explore(off, assumes_strong_cas);
  EXPECT_TRUE(quiet.ok()) << quiet.report;
}

TEST(Faults, SpuriousTryLockFailure) {
  const auto body = [] {
    twist::mutex m;
    SPINDLE_VERIFY(m.try_lock(), "try_lock of a free mutex failed");
    m.unlock();
  };
  EXPECT_EQ(sim::explore(quick(), body).outcome, sim::outcome::assertion_failed);
  sim::options off = quick();
  off.faults.spurious_cas = false;
  EXPECT_TRUE(sim::explore(off, body).ok());
}

// Waits once, without re-checking its condition.
void waits_without_a_loop() {
  twist::atomic<std::uint32_t> flag{0};
  twist::thread setter([&] {
    const auto key = twist::futex::prepare_wake(flag);
    flag.store(1);
    twist::futex::wake_one(key);
  });
  twist::futex::wait(flag, 0);
  const bool set = flag.load() == 1;
  setter.join();
  SPINDLE_VERIFY(set, "woke up before the flag was set");
}

TEST(Faults, SpuriousWakeupIsExploredAndCanBeSwitchedOff) {
  EXPECT_EQ(sim::explore(quick(), waits_without_a_loop).outcome, sim::outcome::assertion_failed);
  sim::options off = quick();
  off.faults.spurious_wakeups = false;
  const sim::result quiet = sim::explore(off, waits_without_a_loop);
  EXPECT_TRUE(quiet.ok()) << quiet.report;
}

// Assumes wake_one wakes the longest waiter. With early timeouts off, virtual time moves only
// when no thread can run, so each sleep below ends once the waiter before it is blocked: a
// blocks first, then b.
void assumes_fifo_wake() {
  twist::atomic<std::uint32_t> word{0};
  twist::atomic<int> first_woken{0};
  auto waiter = [&](int id) {
    twist::futex::wait(word, 0);
    int none = 0;
    if (first_woken.compare_exchange_strong(none, id)) {
      SPINDLE_VERIFY(id == 1, "wake_one did not wake the longest waiter");
    }
  };
  twist::thread a(waiter, 1);
  twist::this_thread::sleep_for(1s);
  twist::thread b(waiter, 2);
  twist::this_thread::sleep_for(1s);
  const auto key = twist::futex::prepare_wake(word);
  word.store(1);
  twist::futex::wake_one(key);
  while (first_woken.load() == 0) twist::this_thread::yield();  // the woken one records first
  twist::futex::wake_one(key);
  a.join();
  b.join();
}

TEST(Faults, WakeOrderIsExploredAndCanBeSwitchedOff) {
  sim::options opts = quick();
  opts.faults.spurious_wakeups = false;  // each waiter waits once, on purpose
  opts.faults.timeouts = false;          // the sleeps order the waiters (see above)
  const sim::result on = sim::explore(opts, assumes_fifo_wake);
  EXPECT_EQ(on.outcome, sim::outcome::assertion_failed) << on.report;
  opts.faults.wake_order = false;
  const sim::result fifo = sim::explore(opts, assumes_fifo_wake);
  EXPECT_TRUE(fifo.ok()) << fifo.report;
}

// Assumes a 1 s timed wait cannot expire before a running waker gets to it.
void assumes_no_early_timeout() {
  twist::atomic<std::uint32_t> word{0};
  twist::thread waker([&] {
    const auto key = twist::futex::prepare_wake(word);
    word.store(1);
    twist::futex::wake_one(key);
  });
  bool woken = true;
  while (word.load() == 0 && woken) woken = twist::futex::wait_for(word, 0, 1s);
  waker.join();
  SPINDLE_VERIFY(woken, "timed out while the waker was running");
}

TEST(Faults, EarlyTimeoutsCanBeSwitchedOff) {
  EXPECT_EQ(sim::explore(quick(), assumes_no_early_timeout).outcome,
            sim::outcome::assertion_failed);
  sim::options off = quick();
  off.faults.timeouts = false;
  const sim::result quiet = sim::explore(off, assumes_no_early_timeout);
  EXPECT_TRUE(quiet.ok()) << quiet.report;
}

TEST(ConditionVariable, WaitNotifyWithAPredicate) {
  const sim::result r = sim::explore(quick(), [] {
    twist::mutex m;
    twist::condition_variable cv;
    twist::shared<bool> ready{false};
    twist::thread producer([&] {
      std::lock_guard lock{m};
      ready.write(true);
      cv.notify_one();
    });
    std::unique_lock lock{m};
    cv.wait(lock, [&] { return ready.read(); });
    lock.unlock();
    producer.join();
  });
  EXPECT_TRUE(r.ok()) << r.report;
}

TEST(ConditionVariable, NotifyOutsideTheLockWithoutAPredicateLosesTheWakeup) {
  // The classic bug: the flag is set without the mutex, so the notify can fall between the
  // waiter's check and its wait.
  const sim::result r = sim::explore(quick(), [] {
    twist::mutex m;
    twist::condition_variable cv;
    twist::atomic<bool> ready{false};
    twist::thread producer([&] {
      ready.store(true);
      cv.notify_one();
    });
    std::unique_lock lock{m};
    if (!ready.load()) cv.wait(lock);
    lock.unlock();
    producer.join();
  });
  // Either a spurious-free lost wakeup (deadlock) or the missing predicate loop shows.
  EXPECT_FALSE(r.ok()) << r.report;
}

TEST(ConditionVariable, WaitForTimesOutInVirtualTime) {
  const sim::result r = sim::explore(quick(), [] {
    twist::mutex m;
    twist::condition_variable cv;
    std::unique_lock lock{m};
    const auto start = twist::steady_clock::now();
    const bool satisfied = cv.wait_for(lock, 50ms, [] { return false; });
    SPINDLE_VERIFY(!satisfied, "nothing ever sets the predicate");
    SPINDLE_VERIFY(twist::steady_clock::now() - start >= 50ms, "timed out early");
  });
  EXPECT_TRUE(r.ok()) << r.report;
}

TEST(GtestIntegration, ExpectFailureInASimulatedThreadEndsTheRun) {
  // The inner failure is reported once, by model_check, with the simulator's report.
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter capture(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    testing::model_check(quick(), [] {
      twist::atomic<int> x{0};
      twist::thread t([&] { x.store(1); });
      EXPECT_EQ(x.load(), 0) << "the other thread ran first";
      t.join();
    });
  }
  ASSERT_EQ(failures.size(), 1);
  const std::string message = failures.GetTestPartResult(0).message();
  EXPECT_NE(message.find("the other thread ran first"), std::string::npos) << message;
  EXPECT_NE(message.find("SPINDLE_SIM_REPLAY=S1"), std::string::npos) << message;
  EXPECT_NE(message.find("--gtest_filter=GtestIntegration."), std::string::npos) << message;
}

TEST(ReplayEnvironment, TokenInTheEnvironmentReplaysTheNamedExploration) {
  const auto body = [] {
    twist::atomic<int> c{0};
    twist::thread t([&] { c.store(c.load() + 1); });
    c.store(c.load() + 1);
    t.join();
    SPINDLE_VERIFY(c.load() == 2, "lost update");
  };
  sim::options opts = quick();
  opts.name = "replay-env-test";
  const sim::result found = sim::explore(opts, body);
  ASSERT_FALSE(found.ok());
  ASSERT_EQ(setenv("SPINDLE_SIM_REPLAY", found.token.c_str(), 1), 0);
  const sim::result replayed = sim::explore(opts, body);
  sim::options other = opts;
  other.name = "another exploration";
  const sim::result unrelated = sim::explore(other, [] {});
  unsetenv("SPINDLE_SIM_REPLAY");
  EXPECT_EQ(replayed.outcome, sim::outcome::assertion_failed) << replayed.report;
  EXPECT_EQ(replayed.runs, 1u);
  EXPECT_NE(replayed.report.find("replay of " + found.token), std::string::npos);
  EXPECT_TRUE(unrelated.ok());  // a token names one exploration; others run normally
  EXPECT_GT(unrelated.runs, 1u);
}

}  // namespace
}  // namespace spindle
