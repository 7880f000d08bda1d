// Unit tests of the facade surface that every mode shares.
#include <atomic>
#include <cstdint>
#include <set>
#include <type_traits>

#include <gtest/gtest.h>

#include <spindle/base/fault_kind.hpp>
#include <spindle/sim/options.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/clock.hpp>
#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/random.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>
#include <spindle/twist/thread_local.hpp>

namespace twist = spindle::twist;

#if SPINDLE_TWIST_MODE_STD
// Zero cost, part 1: in std mode the facade's types are the standard ones, not wrappers.
static_assert(std::is_same_v<twist::atomic<int>, std::atomic<int>>);
static_assert(std::is_same_v<twist::atomic<std::uint32_t>, std::atomic<std::uint32_t>>);
static_assert(std::is_same_v<twist::atomic<void*>, std::atomic<void*>>);
static_assert(std::is_same_v<twist::atomic_flag, std::atomic_flag>);
static_assert(std::is_same_v<twist::thread, std::thread>);
static_assert(sizeof(twist::shared<long>) == sizeof(long));
static_assert(std::is_trivially_copyable_v<twist::shared<long>>);
static_assert(!twist::facade_pins_threads());
#endif

// One fault vocabulary: the faulty rates and the simulator's switches both map onto it.
namespace vocabulary {
using spindle::base::fault_kind;
constexpr twist::faulty::fault_rates kRates{};
static_assert(twist::faulty::one_in(kRates, fault_kind::yield) == kRates.kDefaultYieldOneIn);
static_assert(twist::faulty::one_in(kRates, fault_kind::spurious_try_lock_failure) ==
              kRates.kDefaultSpuriousOneIn);
static_assert(twist::faulty::one_in(kRates, fault_kind::wake_all_instead_of_one) ==
              kRates.kDefaultWakeAllOneIn);
static_assert(twist::faulty::one_in(kRates, fault_kind::allocation_failure) == 0);
constexpr spindle::sim::fault_options kSimFaults{};
static_assert(spindle::sim::injects(kSimFaults, fault_kind::spurious_condvar_wakeup));
static_assert(!spindle::sim::injects(kSimFaults, fault_kind::allocation_failure));
static_assert(!spindle::sim::injects(spindle::sim::fault_options{.spurious_cas = false},
                                     fault_kind::spurious_try_lock_failure));
}  // namespace vocabulary

TEST(TwistAtomic, BehavesLikeStdAtomic) {
  twist::atomic<int> a{1};
  EXPECT_EQ(a.load(), 1);
  a.store(2, std::memory_order_release);
  EXPECT_EQ(a.exchange(3), 2);
  int expected = 3;
  EXPECT_TRUE(a.compare_exchange_strong(expected, 4));
  expected = 0;
  EXPECT_FALSE(a.compare_exchange_strong(expected, 5));
  EXPECT_EQ(expected, 4);
  EXPECT_EQ(a.fetch_add(10), 4);
  EXPECT_EQ(a.fetch_sub(4), 14);
  EXPECT_EQ(a.load(), 10);
}

TEST(TwistAtomic, CompareExchangeWeakEventuallySucceeds) {
  // Weak CAS may fail spuriously (and does on purpose in faulty mode), but not forever.
  twist::atomic<std::uint64_t> a{7};
  std::uint64_t expected = 7;
  int attempts = 0;
  while (!a.compare_exchange_weak(expected, 8)) {
    ASSERT_EQ(expected, 7u) << "a failed weak CAS must report the current value";
    ASSERT_LT(++attempts, 10000);
  }
  EXPECT_EQ(a.load(), 8u);
}

TEST(TwistAtomic, PointerArithmetic) {
  int array[4] = {};
  twist::atomic<int*> p{array};
  EXPECT_EQ(p.fetch_add(2), array);
  EXPECT_EQ(p.load(), array + 2);
}

TEST(TwistAtomicFlag, TestAndSet) {
  twist::atomic_flag flag;
  EXPECT_FALSE(flag.test_and_set());
  EXPECT_TRUE(flag.test_and_set());
  flag.clear();
  EXPECT_FALSE(flag.test());
  twist::atomic_thread_fence(std::memory_order_seq_cst);
}

TEST(TwistThread, RunsAndJoins) {
  twist::atomic<int> ran{0};
  twist::thread t([&] {
    twist::this_thread::yield();
    ran.store(1);
  });
  EXPECT_NE(t.get_id(), twist::this_thread::get_id());
  t.join();
  EXPECT_EQ(ran.load(), 1);
}

TEST(TwistClock, SleepAdvancesSteadyClock) {
  auto start = twist::steady_clock::now();
  twist::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GE(twist::steady_clock::now() - start, std::chrono::milliseconds(2));
}

TEST(TwistRandom, ChoiceStaysInRangeAndCoversIt) {
  std::set<std::size_t> seen;
  for (int i = 0; i < 2000; ++i) {
    std::size_t c = twist::random::choice(5);
    ASSERT_LT(c, 5u);
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(twist::random::choice(1), 0u);
}

TEST(TwistShared, ReadWrite) {
  twist::shared<int> cell{3};
  EXPECT_EQ(cell.read(), 3);
  cell.write(4);
  cell.get_mut() += 1;
  EXPECT_EQ(cell.get(), 5);
}

struct test_slot;
using test_thread_ptr = twist::thread_local_ptr<int, test_slot>;

TEST(TwistThreadLocal, EachThreadHasItsOwnSlot) {
  int mine = 1;
  test_thread_ptr::set(&mine);
  int* seen_by_other = &mine;
  twist::thread t([&] { seen_by_other = test_thread_ptr::get(); });
  t.join();
  EXPECT_EQ(seen_by_other, nullptr);
  EXPECT_EQ(test_thread_ptr::get(), &mine);
  test_thread_ptr::set(nullptr);
}

struct counter_tag;
TEST(TwistStatic, OneValuePerProcess) {
  using counter = twist::static_var<int, counter_tag>;
  counter::get() = 41;
  twist::thread t([] { ++counter::get(); });
  t.join();
  EXPECT_EQ(counter::get(), 42);
}
