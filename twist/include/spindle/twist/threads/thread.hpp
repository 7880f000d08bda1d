// threads backend of twist/thread.hpp (std and faulty builds). In std builds twist::thread is
// std::thread. In faulty builds it has std::thread's interface, but every twist::thread gets a
// deterministic fault injector, seeded from the global seed and the thread's creation index
// (the creating thread numbers it, in creation order). A thread starts with an injection
// point, so the order in which new threads get going varies from seed to seed.
//
//   twist::thread worker([&] { queue.push(1); });
//   worker.join();
#pragma once

#include <chrono>
#include <functional>
#include <thread>
#include <type_traits>
#include <utility>

#include <spindle/twist/mode.hpp>
#include <spindle/twist/source_location.hpp>
#include <spindle/twist/threads/inject.hpp>

namespace spindle::twist {

#if SPINDLE_TWIST_MODE_STD

using thread = std::thread;

#else  // faulty

class thread {
 public:
  using id = std::thread::id;
  using native_handle_type = std::thread::native_handle_type;

  // Not a thread.
  thread() noexcept = default;

  // Starts a thread running std::invoke(f, args...) on decayed copies made here, as std::thread.
  template <class F, class... Args>
    requires(!std::is_same_v<std::remove_cvref_t<F>, thread>)
  explicit thread(F&& f, Args&&... args)
      : impl_([index = faulty::detail::next_thread_index(),
               fn = std::decay_t<F>(std::forward<F>(f)),
               ... bound = std::decay_t<Args>(std::forward<Args>(args))]() mutable {
          faulty::detail::enter_thread(index);
          threads::inject(source_location::current());
          std::invoke(std::move(fn), std::move(bound)...);
        }) {}

  thread(thread&&) noexcept = default;
  // Like std::thread: assigning to a joinable thread calls std::terminate.
  thread& operator=(thread&&) noexcept = default;
  // Like std::thread: destroying a joinable thread calls std::terminate.
  ~thread() = default;

  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;

  bool joinable() const noexcept { return impl_.joinable(); }
  id get_id() const noexcept { return impl_.get_id(); }
  native_handle_type native_handle() { return impl_.native_handle(); }
  static unsigned int hardware_concurrency() noexcept { return std::thread::hardware_concurrency(); }

  // Waits for the thread to finish (an injection point first).
  void join(source_location where = source_location::current()) {
    threads::inject(where);
    impl_.join();
  }

  // Lets the thread run on unowned.
  void detach() { impl_.detach(); }

  void swap(thread& other) noexcept { impl_.swap(other.impl_); }

 private:
  std::thread impl_;
};

#endif  // SPINDLE_TWIST_MODE_STD

namespace this_thread {

using std::this_thread::get_id;

// Yields the processor; in faulty builds an injection point too (so sometimes a short sleep
// instead).
inline void yield(source_location where = source_location::current()) noexcept {
  threads::inject(where);
  std::this_thread::yield();
}

// Sleeps for at least `duration` (in faulty builds after an injection point).
template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& duration,
               source_location where = source_location::current()) {
  threads::inject(where);
  std::this_thread::sleep_for(duration);
}

}  // namespace this_thread

}  // namespace spindle::twist
