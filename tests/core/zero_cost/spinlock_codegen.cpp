// Zero cost, part 2 (part 1 is the static_asserts in tests/twist/facade_test.cpp): in std mode
// the facade spinlock compiles to exactly the instructions of the same algorithm hand-written
// on std::atomic<bool>, with twist::spin_wait's backoff written out by hand.
//
// This file is only compiled, never run: compare_disassembly.sh extracts the extern "C"
// functions below from the object file with objdump and compares them instruction by
// instruction. The file is compiled twice with the build's own flags: once as is (asserts
// on, as the std preset builds), where lock() and try_lock() are compared, and once with
// NDEBUG, where lock+unlock are compared too (with asserts on, unlock() also carries
// spinlock's misuse check, which the plain reference lacks on purpose: the check is a
// spindle feature, not a cost of the facade).
//
// If twist::spin_wait's std backoff changes, reference_backoff must change with it.
#include <atomic>
#include <thread>

#include <spindle/base/config.hpp>
#include <spindle/core/spinlock.hpp>

namespace {

// twist::spin_wait (std backend), by hand: 1, 2, 4, ... 2^(Rounds-1) pause hints, then yield.
template <unsigned Rounds>
class reference_backoff {
 public:
  void operator()() noexcept {
    if (rounds_ < Rounds) {
      for (unsigned i = 0; i < (1u << rounds_); ++i) __builtin_ia32_pause();
      ++rounds_;
    } else {
      std::this_thread::yield();
    }
  }

 private:
  unsigned rounds_ = 0;
};

// core::spinlock's algorithm on a raw std::atomic<bool>.
template <unsigned BackoffRounds>
class reference_ttas_spinlock {
 public:
  void lock() noexcept {
    reference_backoff<BackoffRounds> backoff;
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) backoff();
    }
  }
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

// A different algorithm (test-and-set: no read-only spin), for the comparison's self-test.
class reference_tas_spinlock {
 public:
  void lock() noexcept {
    reference_backoff<7> backoff;
    while (locked_.exchange(true, std::memory_order_acquire)) backoff();
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

using reference_spinlock = reference_ttas_spinlock<7>;    // twist::spin_wait's kSpinRounds
using longer_backoff_spinlock = reference_ttas_spinlock<8>;

}  // namespace

// The pairs compared (must match): lock + critical section + unlock ...
extern "C" SPINDLE_NOINLINE void zero_cost_facade_lock_unlock(spindle::core::spinlock* lock,
                                                               long* counter) {
  lock->lock();
  ++*counter;
  lock->unlock();
}
extern "C" SPINDLE_NOINLINE void zero_cost_reference_lock_unlock(reference_spinlock* lock,
                                                                  long* counter) {
  lock->lock();
  ++*counter;
  lock->unlock();
}

// ... lock alone ...
extern "C" SPINDLE_NOINLINE void zero_cost_facade_lock(spindle::core::spinlock* lock) {
  lock->lock();
}
extern "C" SPINDLE_NOINLINE void zero_cost_reference_lock(reference_spinlock* lock) {
  lock->lock();
}

// ... and try_lock.
extern "C" SPINDLE_NOINLINE bool zero_cost_facade_try_lock(spindle::core::spinlock* lock) {
  return lock->try_lock();
}
extern "C" SPINDLE_NOINLINE bool zero_cost_reference_try_lock(reference_spinlock* lock) {
  return lock->try_lock();
}

// The self-test's pairs (must differ from zero_cost_facade_lock_unlock): another algorithm,
// and the same algorithm with one more backoff round (a single differing immediate).
extern "C" SPINDLE_NOINLINE void zero_cost_tas_lock_unlock(reference_tas_spinlock* lock,
                                                           long* counter) {
  lock->lock();
  ++*counter;
  lock->unlock();
}
extern "C" SPINDLE_NOINLINE void zero_cost_longer_backoff_lock_unlock(
    longer_backoff_spinlock* lock, long* counter) {
  lock->lock();
  ++*counter;
  lock->unlock();
}
