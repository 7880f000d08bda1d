// Unit tests of core::spinlock: the Lockable contract on one and two threads.
#include <chrono>
#include <mutex>
#include <type_traits>

#include <gtest/gtest.h>

#include <spindle/core/spinlock.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

namespace core = spindle::core;
namespace twist = spindle::twist;
using namespace std::chrono_literals;

static_assert(!std::is_copy_constructible_v<core::spinlock>);
static_assert(!std::is_move_constructible_v<core::spinlock>);
static_assert(std::is_nothrow_default_constructible_v<core::spinlock>);

TEST(Spinlock, LockThenUnlock) {
  core::spinlock lock;
  lock.lock();
  lock.unlock();
  lock.lock();  // reusable
  lock.unlock();
}

TEST(Spinlock, TryLockFailsWhileHeldAndSucceedsOnceFree) {
  core::spinlock lock;
  ASSERT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock());
  lock.unlock();
  EXPECT_TRUE(lock.try_lock());
  lock.unlock();
}

TEST(Spinlock, TryLockFromAnotherThreadSeesTheHolder) {
  core::spinlock lock;
  lock.lock();
  bool other_got_it = true;
  twist::thread other([&] { other_got_it = lock.try_lock(); });
  other.join();
  EXPECT_FALSE(other_got_it);
  lock.unlock();
}

TEST(Spinlock, WorksWithStandardLockWrappers) {
  core::spinlock a;
  core::spinlock b;
  {
    std::lock_guard guard(a);
    EXPECT_FALSE(a.try_lock());
  }
  {
    std::unique_lock guard(a, std::try_to_lock);
    EXPECT_TRUE(guard.owns_lock());
  }
  {
    std::scoped_lock both(a, b);  // uses try_lock to avoid deadlock
    EXPECT_FALSE(a.try_lock());
    EXPECT_FALSE(b.try_lock());
  }
  EXPECT_TRUE(a.try_lock());
  EXPECT_TRUE(b.try_lock());
  a.unlock();
  b.unlock();
}

TEST(Spinlock, LockWaitsForTheHolderAndSeesItsWrites) {
  core::spinlock lock;
  int guarded = 0;  // plain memory, guarded by lock
  twist::atomic<bool> waiter_has_lock{false};
  lock.lock();
  twist::thread waiter([&] {
    lock.lock();
    waiter_has_lock.store(true, std::memory_order_relaxed);
    EXPECT_EQ(guarded, 1);  // the holder's write happens-before our critical section
    guarded = 2;
    lock.unlock();
  });
  twist::this_thread::sleep_for(5ms);
  EXPECT_FALSE(waiter_has_lock.load(std::memory_order_relaxed)) << "lock() returned while held";
  guarded = 1;
  lock.unlock();
  waiter.join();
  EXPECT_TRUE(waiter_has_lock.load());
  std::lock_guard guard(lock);
  EXPECT_EQ(guarded, 2);
}
