// A plain futex lock without fault injection (internal): the core of faulty builds' twist::mutex, and
// the lock guarding condition_variable's waiter list.
//
// Algorithm: Ulrich Drepper, "Futexes Are Tricky" (2011), mutex #3. The word is
//   kUnlocked (0), kLocked (1: held, nobody asleep), kContended (2: held, maybe sleepers).
// 1. lock: CAS 0 -> 1; on failure, exchange the word to 2 and sleep while it reads 2, until
//    the exchange returns 0 (then we hold it, marked contended: we cannot know if others sleep).
// 2. unlock: exchange to 0; if the old value was 2, wake sleepers.
// FXL.INV1: a thread sleeps only while the word is 2, and whoever unlocks a 2 wakes — so no wakeup
//           is lost.
// The wake after the unlocking exchange uses only the word's address: the lock may already be
// destroyed by its next owner, and the kernel treats the address as a hash key, never reading it.
#pragma once

#include <atomic>
#include <cstdint>

#include <spindle/twist/threads/futex.hpp>

namespace spindle::twist::threads::detail {

class futex_lock {
 public:
  constexpr futex_lock() noexcept = default;

  futex_lock(const futex_lock&) = delete;
  futex_lock& operator=(const futex_lock&) = delete;

  // Acquires the lock, sleeping while another thread holds it.
  void lock() noexcept {
    std::uint32_t seen = kUnlocked;
    // acquire: pairs with the release exchange in unlock().
    if (word_.compare_exchange_strong(seen, kLocked, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
      return;
    }
    lock_contended();
  }

  // Acquires the lock if it is free right now (no spurious failure here).
  bool try_lock() noexcept {
    std::uint32_t seen = kUnlocked;
    // acquire: pairs with the release exchange in unlock().
    return word_.compare_exchange_strong(seen, kLocked, std::memory_order_acquire,
                                         std::memory_order_relaxed);
  }

  // Releases the lock; with `wake_all` wakes every sleeper instead of one.
  void unlock(bool wake_all = false) noexcept {
    std::uint32_t* address = twist::futex::detail::address_of(word_);
    // release: pairs with the acquire CAS/exchange in lock() and try_lock().
    if (word_.exchange(kUnlocked, std::memory_order_release) == kContended) {
      twist::futex::os::wake(address, wake_all);  // FXL.INV1
    }
  }

  // True if the lock is held (a racy snapshot, for misuse checks only).
  bool is_locked() const noexcept { return word_.load(std::memory_order_relaxed) != kUnlocked; }

 private:
  static constexpr std::uint32_t kUnlocked = 0;
  static constexpr std::uint32_t kLocked = 1;
  static constexpr std::uint32_t kContended = 2;

  void lock_contended() noexcept {
    // acquire: pairs with the release exchange in unlock().
    while (word_.exchange(kContended, std::memory_order_acquire) != kUnlocked) {
      twist::futex::os::wait(twist::futex::detail::address_of(word_), kContended);  // FXL.INV1
    }
  }

  std::atomic<std::uint32_t> word_{kUnlocked};
};

}  // namespace spindle::twist::threads::detail
