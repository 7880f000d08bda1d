// threads backend of twist/mutex.hpp: for user test code only (toolbox code builds its own
// primitives on twist::futex). In std builds it is std::mutex.
//
// In faulty builds: a futex mutex for user test code (toolbox code builds its
// own primitives on twist::futex). Unlike std::mutex it misbehaves in the ways the standard
// allows: try_lock fails spuriously now and then, unlock sometimes wakes every sleeper so the
// kernel's order does not decide who gets the lock next, and lock/unlock are injection points.
// It meets Lockable, so std::lock_guard, std::unique_lock and std::scoped_lock work.
//
//   twist::mutex mu;
//   std::lock_guard guard{mu};
#pragma once

#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_STD

#include <mutex>

namespace spindle::twist {

using mutex = std::mutex;

}  // namespace spindle::twist

#else  // faulty

#include <atomic>
#include <thread>

#include <spindle/twist/source_location.hpp>
#include <spindle/twist/threads/detail/futex_lock.hpp>

namespace spindle::twist {

class mutex {
 public:
  constexpr mutex() noexcept = default;
  // Destroying a locked mutex is a misuse: reported, then abort().
  ~mutex();

  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  // Acquires the mutex, sleeping while another thread holds it. Locking a mutex the calling
  // thread already holds (a self-deadlock) is reported, then abort().
  void lock(source_location where = source_location::current());

  // Acquires the mutex if it is free; may also fail spuriously (in faulty mode: on purpose).
  bool try_lock(source_location where = source_location::current());

  // Releases the mutex. Unlocking a mutex that is not locked, or that another thread holds, is
  // reported, then abort().
  void unlock(source_location where = source_location::current());

 private:
  threads::detail::futex_lock lock_;
  // The holder, for misuse reports only; written by the holder, read by any thread (relaxed:
  // a thread comparing it with its own id sees its own writes, and another thread's id is
  // never equal to its own whatever it reads).
  std::atomic<std::thread::id> owner_{};
};

}  // namespace spindle::twist

#endif  // SPINDLE_TWIST_MODE_STD
