// The faults faulty mode promises actually happen, and never break the primitives' contracts:
// spurious compare_exchange_weak / try_lock failures, spurious futex and condition variable
// wakeups, wake_one waking everyone, notify_one choosing a random waiter, and the injection
// placement setting.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/condition_variable.hpp>
#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/spin_wait.hpp>
#include <spindle/twist/thread.hpp>

#include "faulty_support.hpp"

namespace twist = spindle::twist;
namespace faulty = spindle::twist::faulty;
using namespace std::chrono_literals;
using faulty::fault_kind;
using spindle::test::fault_recorder;
using spindle::test::no_faults;
using spindle::test::scoped_rates;

namespace {

faulty::fault_rates spurious_one_in(std::uint32_t n) {
  faulty::fault_rates rates = no_faults();
  rates.spurious_one_in = n;
  return rates;
}

// Generous: the waits below are bounded by this only to fail instead of hanging.
constexpr auto kPatience = 10s;

// Waits (politely) until `done()` or kPatience passes; returns done().
template <class Predicate>
bool eventually(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100us);
  }
  return done();
}

}  // namespace

// ---- atomics ------------------------------------------------------------------------------------

TEST(FaultyAtomic, WeakCasFailsSpuriouslyAndReportsTheCurrentValue) {
  scoped_rates rates{spurious_one_in(4)};
  constexpr int kAttempts = 4000;
  twist::atomic<std::uint64_t> value{0};
  int failures = 0;
  for (int i = 0; i < kAttempts; ++i) {
    std::uint64_t expected = value.load();
    const std::uint64_t before = expected;
    if (value.compare_exchange_weak(expected, before + 1, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      continue;
    }
    ++failures;
    // Nobody else touches `value`: a failure here is spurious, must leave the value alone and
    // must report it in `expected`.
    ASSERT_EQ(expected, before);
    ASSERT_EQ(value.load(), before);
  }
  EXPECT_GT(failures, 0);
  EXPECT_EQ(value.load(), static_cast<std::uint64_t>(kAttempts - failures));
}

TEST(FaultyAtomic, StrongCasNeverFailsSpuriously) {
  scoped_rates rates{spurious_one_in(1)};
  twist::atomic<int> value{0};
  for (int i = 0; i < 1000; ++i) {
    int expected = i;
    ASSERT_TRUE(value.compare_exchange_strong(expected, i + 1));
  }
}

TEST(FaultyAtomic, WeakCasCounterStaysExactUnderContention) {
  scoped_rates rates{spurious_one_in(4)};
  constexpr int kThreads = 4;
  constexpr int kIncrements = 2000;
  twist::atomic<int> counter{0};
  std::vector<twist::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < kIncrements; ++i) {
        int seen = counter.load(std::memory_order_relaxed);
        // relaxed: only the counter itself is shared; join() publishes it to the checker.
        while (!counter.compare_exchange_weak(seen, seen + 1, std::memory_order_relaxed)) {
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.load(), kThreads * kIncrements);
}

TEST(FaultyAtomic, InterfaceMatchesStd) {
  static_assert(sizeof(twist::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  static_assert(twist::atomic<std::uint64_t>::is_always_lock_free);
  static_assert(std::is_same_v<twist::atomic<short>::value_type, short>);
  static_assert(std::is_same_v<twist::atomic<int*>::difference_type, std::ptrdiff_t>);
  static constinit twist::atomic<int> constant_initialized{7};
  EXPECT_EQ(constant_initialized.load(), 7);

  twist::atomic<unsigned char> byte{0};
  ++byte;
  byte += 2;
  byte |= 0x10;
  byte &= 0x13;
  byte ^= 0x01;
  EXPECT_EQ(byte--, 0x12);
  EXPECT_EQ(byte.fetch_xor(0xff), 0x11);
  EXPECT_TRUE(byte.is_lock_free());

  twist::atomic<double> real{1.5};
  real += 1.0;
  EXPECT_EQ(real.fetch_sub(0.5), 2.5);

  long array[4] = {};
  twist::atomic<long*> pointer{array};
  ++pointer;
  pointer += 2;
  EXPECT_EQ(pointer--, array + 3);
  EXPECT_EQ(pointer.load(), array + 2);

  twist::atomic<bool> flag;
  EXPECT_FALSE(flag);
  flag = true;
  EXPECT_TRUE(flag.exchange(false));

  enum class state : std::uint8_t { idle, busy };
  twist::atomic<state> non_arithmetic{state::idle};
  state expected = state::idle;
  EXPECT_TRUE(non_arithmetic.compare_exchange_strong(expected, state::busy));
  EXPECT_EQ(non_arithmetic.load(), state::busy);
}

TEST(FaultyAtomic, PlacementDecidesWhereInjectionPointsAre) {
  faulty::fault_rates rates = no_faults();
  rates.yield_one_in = 1;  // every injection point yields, so points can be counted as faults
  scoped_rates always_yield{rates};
  constexpr int kLoads = 100;
  twist::atomic<int> value{0};
  auto yields_per_load = [&](faulty::placement where) {
    spindle::test::scoped_placement placed{where};
    fault_recorder recorder;
    faulty::scoped_fault_observer watch{recorder};
    for (int i = 0; i < kLoads; ++i) static_cast<void>(value.load());
    return recorder.count(fault_kind::yield) / kLoads;
  };
  EXPECT_EQ(yields_per_load(faulty::placement::before), 1u);
  EXPECT_EQ(yields_per_load(faulty::placement::after), 1u);
  EXPECT_EQ(yields_per_load(faulty::placement::both), 2u);
}

TEST(FaultyAtomic, FencesSpinsAndYieldsAreInjectionPoints) {
  faulty::fault_rates rates = no_faults();
  rates.yield_one_in = 1;
  scoped_rates always_yield{rates};
  spindle::test::scoped_placement placed{faulty::placement::before};
  fault_recorder recorder;
  faulty::scoped_fault_observer watch{recorder};
  twist::atomic_thread_fence(std::memory_order_seq_cst);
  twist::spin_wait spin;
  spin();
  twist::cpu_relax();
  twist::this_thread::yield();
  EXPECT_EQ(recorder.count(fault_kind::yield), 4u);
  for (const auto& event : recorder.events) {
    EXPECT_NE(std::string(event.where.file_name()).find("spurious_test.cpp"), std::string::npos)
        << "each fault names the facade call that caused it";
  }
}

TEST(FaultyAtomic, SleepsAreShortAndReported) {
  faulty::fault_rates rates = no_faults();
  rates.sleep_one_in = 1;
  rates.max_sleep = 20us;
  scoped_rates always_sleep{rates};
  spindle::test::scoped_placement placed{faulty::placement::before};
  fault_recorder recorder;
  faulty::scoped_fault_observer watch{recorder};
  twist::atomic<int> value{0};
  for (int i = 0; i < 20; ++i) value.fetch_add(1);
  ASSERT_EQ(recorder.count(fault_kind::sleep), 20u);
  for (const auto& event : recorder.events) {
    EXPECT_GE(event.value, 1u);
    EXPECT_LE(event.value, 20u);
  }
}

// ---- mutex --------------------------------------------------------------------------------------

TEST(FaultyMutex, TryLockFailsSpuriouslyOnAFreeMutex) {
  scoped_rates rates{spurious_one_in(4)};
  twist::mutex mu;
  int failures = 0;
  for (int i = 0; i < 1000; ++i) {
    if (mu.try_lock()) {
      EXPECT_FALSE(mu.try_lock()) << "a held mutex must never be acquired twice";
      mu.unlock();
    } else {
      ++failures;
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_LT(failures, 1000);
}

TEST(FaultyMutex, WorksWithStdLockTypes) {
  twist::mutex mu;
  { std::lock_guard guard{mu}; }
  {
    std::unique_lock lock{mu};
    EXPECT_TRUE(lock.owns_lock());
  }
  twist::mutex other;
  { std::scoped_lock both{mu, other}; }
}

// ---- condition_variable ------------------------------------------------------------------------

TEST(FaultyConditionVariable, WaitReturnsSpuriouslyWithoutNotify) {
  scoped_rates rates{spurious_one_in(1)};  // every wait is spurious: no notify needed to return
  twist::mutex mu;
  twist::condition_variable cv;
  std::unique_lock lock{mu};
  fault_recorder recorder;
  faulty::scoped_fault_observer watch{recorder};
  cv.wait(lock);
  EXPECT_TRUE(lock.owns_lock());
  EXPECT_EQ(cv.wait_for(lock, 1h), std::cv_status::no_timeout);
  EXPECT_EQ(recorder.count(fault_kind::spurious_condvar_wakeup), 2u);
}

TEST(FaultyConditionVariable, TimedWaitsWakeSpuriouslySometimes) {
  scoped_rates rates{spurious_one_in(4)};
  twist::mutex mu;
  twist::condition_variable cv;
  std::unique_lock lock{mu};
  int early = 0;
  int timeouts = 0;
  for (int i = 0; i < 60; ++i) {
    // Nobody notifies: a no_timeout return is a spurious wakeup.
    (cv.wait_for(lock, 200us) == std::cv_status::no_timeout ? early : timeouts)++;
  }
  EXPECT_GT(early, 0);
  EXPECT_GT(timeouts, 0);
  EXPECT_FALSE(cv.wait_for(lock, 0s, [] { return false; }));
}

TEST(FaultyConditionVariable, NotifyOneWakesARandomWaiter) {
  scoped_rates rates{no_faults()};  // no spurious wakeups: only notify_one releases a waiter
  constexpr int kWaiters = 4;
  constexpr int kTrials = 12;
  std::set<int> first_woken;
  for (int trial = 0; trial < kTrials; ++trial) {
    twist::mutex mu;
    twist::condition_variable cv;
    int num_waiting = 0;   // guarded by mu
    bool released = false;  // guarded by mu
    int woken_first = -1;   // guarded by mu
    std::vector<twist::thread> waiters;
    for (int id = 0; id < kWaiters; ++id) {
      waiters.emplace_back([&, id] {
        std::unique_lock lock{mu};
        // Queue up in id order, so a FIFO condition variable would always wake waiter 0.
        while (num_waiting != id) {
          lock.unlock();
          twist::this_thread::yield();
          lock.lock();
        }
        ++num_waiting;
        cv.wait(lock);  // exactly one wait: returning means "notified"
        if (woken_first < 0 && !released) woken_first = id;
      });
    }
    ASSERT_TRUE(eventually([&] {
      std::lock_guard guard{mu};
      return num_waiting == kWaiters;  // each waiter listed itself before unlocking mu
    }));
    cv.notify_one();
    ASSERT_TRUE(eventually([&] {
      std::lock_guard guard{mu};
      return woken_first >= 0;
    }));
    {
      std::lock_guard guard{mu};
      released = true;
      first_woken.insert(woken_first);
    }
    cv.notify_all();
    for (auto& waiter : waiters) waiter.join();
  }
  // A FIFO choice gives {0}; a uniform one misses >1 distinct waiter with probability
  // 4 * 4^-12, i.e. never.
  EXPECT_GT(first_woken.size(), 1u);
}

TEST(FaultyConditionVariable, PredicateWaitSeesEveryNotification) {
  twist::mutex mu;
  twist::condition_variable cv;
  bool ready = false;  // guarded by mu
  twist::thread notifier([&] {
    std::lock_guard guard{mu};
    ready = true;
    cv.notify_one();
  });
  {
    std::unique_lock lock{mu};
    cv.wait(lock, [&] { return ready; });
    EXPECT_TRUE(ready);
  }
  notifier.join();
}

// ---- futex --------------------------------------------------------------------------------------

TEST(FaultyFutex, WaitReturnsSpuriouslyWithoutWake) {
  scoped_rates rates{spurious_one_in(1)};
  twist::atomic<std::uint32_t> word{0};
  EXPECT_EQ(twist::futex::wait(word, 0), 0u);  // returns although nobody woke us
  EXPECT_TRUE(twist::futex::wait_for(word, 0, 1h));
  EXPECT_FALSE(twist::futex::wait_for(word, 0, 0ns)) << "a zero timeout never wakes spuriously";
}

TEST(FaultyFutex, TimedWaitsWakeSpuriouslySometimes) {
  scoped_rates rates{spurious_one_in(4)};
  twist::atomic<std::uint32_t> word{0};
  int early = 0;
  for (int i = 0; i < 60; ++i) early += twist::futex::wait_for(word, 0, 200us) ? 1 : 0;
  EXPECT_GT(early, 0);
  EXPECT_LT(early, 60);
}

TEST(FaultyFutex, WakeOneSometimesWakesEveryWaiter) {
  faulty::fault_rates rates = no_faults();
  rates.wake_all_one_in = 1;  // every wake_one wakes all
  scoped_rates always_all{rates};
  constexpr int kWaiters = 3;
  constexpr int kAttempts = 5;
  bool all_woken_by_one_call = false;
  for (int attempt = 1; attempt <= kAttempts && !all_woken_by_one_call; ++attempt) {
    twist::atomic<std::uint32_t> word{0};
    twist::atomic<int> about_to_sleep{0};
    twist::atomic<int> returned{0};
    std::vector<twist::thread> waiters;
    for (int i = 0; i < kWaiters; ++i) {
      waiters.emplace_back([&] {
        about_to_sleep.fetch_add(1);
        twist::futex::wait(word, 0);  // returns only when woken (no spurious wakeups here)
        returned.fetch_add(1);
      });
    }
    ASSERT_TRUE(eventually([&] { return about_to_sleep.load() == kWaiters; }));
    // Give them time to fall asleep in the kernel; a waiter that did not is released below
    // and the attempt retried with a longer pause.
    std::this_thread::sleep_for(attempt * 20ms);
    twist::futex::wake_one(twist::futex::prepare_wake(word));  // word unchanged: no one may leave on its own
    const auto deadline = std::chrono::steady_clock::now() + 1s;
    while (returned.load() < kWaiters && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100us);
    }
    all_woken_by_one_call = returned.load() == kWaiters;
    auto key = twist::futex::prepare_wake(word);
    word.store(1);
    twist::futex::wake_all(key);
    for (auto& waiter : waiters) waiter.join();
  }
  EXPECT_TRUE(all_woken_by_one_call);
}
