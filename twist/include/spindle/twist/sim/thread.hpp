// sim backend of twist/thread.hpp: a twist::thread is a simulated thread, a coroutine on its
// own stack that the simulator schedules; every simulated thread runs on the OS thread that
// called sim::explore. Creating one outside a simulation is an error (there is nothing to run
// it). Spawn and join are steps, and happens-before edges for the race detector.
//
//   twist::thread worker([&] { queue.push(1); });
//   worker.join();
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <tuple>
#include <type_traits>
#include <utility>

#include <spindle/sim/trap.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

class thread {
 public:
  // A simulated thread's identity: its number in the run (0 is the thread running the test
  // body); a default-constructed id is "not a thread".
  class id {
   public:
    id() noexcept = default;
    explicit id(std::uint32_t number) noexcept : number_(number + 1) {}
    friend bool operator==(id, id) noexcept = default;
    friend auto operator<=>(id, id) noexcept = default;
    friend std::ostream& operator<<(std::ostream& out, id value) {
      if (value.number_ == 0) return out << "thread::id of a non-executing thread";
      return out << "sim thread " << (value.number_ - 1);
    }

   private:
    std::uint32_t number_ = 0;
  };
  using native_handle_type = std::uint32_t;

  thread() noexcept = default;

  // Starts a simulated thread running std::invoke(f, args...) on decayed copies.
  template <class F, class... Args>
    requires(!std::is_same_v<std::remove_cvref_t<F>, thread>)
  explicit thread(F&& f, Args&&... args) {
    using closure = std::tuple<std::decay_t<F>, std::decay_t<Args>...>;
    // The closure is the new thread's: it is allocated here (in the simulation, so the leak
    // checker sees it) and freed by the thread when it finishes.
    auto* state = new closure(std::forward<F>(f), std::forward<Args>(args)...);
    handle_ = sim::trap::spawn(
        [](void* arg) {
          std::unique_ptr<closure> owned{static_cast<closure*>(arg)};
          std::apply([](auto& fn, auto&... bound) { std::invoke(std::move(fn), std::move(bound)...); },
                     *owned);
        },
        state, source_location::current());
    joinable_ = true;
  }

  thread(thread&& other) noexcept
      : handle_(other.handle_), joinable_(std::exchange(other.joinable_, false)) {}
  // Like std::thread: assigning to a joinable thread calls std::terminate.
  thread& operator=(thread&& other) noexcept {
    if (joinable_) std::terminate();
    handle_ = other.handle_;
    joinable_ = std::exchange(other.joinable_, false);
    return *this;
  }
  // Like std::thread: destroying a joinable thread calls std::terminate (the simulator reports
  // it as a failure of the run when it happens in a simulated thread).
  ~thread() {
    if (joinable_) sim::trap::fail_assertion("a joinable twist::thread was destroyed");
  }

  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;

  bool joinable() const noexcept { return joinable_; }
  id get_id() const noexcept { return joinable_ ? id{handle_.id} : id{}; }
  native_handle_type native_handle() const noexcept { return handle_.id; }
  static unsigned int hardware_concurrency() noexcept { return 4; }

  // Waits for the thread to finish: a step; blocks in the simulation.
  void join(source_location where = source_location::current()) {
    if (!joinable_) sim::trap::fail_assertion("twist::thread::join on a thread that is not joinable");
    sim::trap::join(handle_, where);
    joinable_ = false;
  }

  // Lets the thread run on unowned; the run still waits for it to finish.
  void detach() {
    if (!joinable_) sim::trap::fail_assertion("twist::thread::detach on a thread that is not joinable");
    sim::trap::detach(handle_);
    joinable_ = false;
  }

  void swap(thread& other) noexcept {
    std::swap(handle_, other.handle_);
    std::swap(joinable_, other.joinable_);
  }

 private:
  sim::trap::thread_handle handle_{};
  bool joinable_ = false;
};

namespace this_thread {

inline thread::id get_id() noexcept { return thread::id{sim::trap::current_thread_id()}; }

// Lets another simulated thread run (the scheduler prefers one).
inline void yield(source_location where = source_location::current()) noexcept {
  if (sim::trap::in_simulation()) sim::trap::yield(sim::trap::operation::yield, where);
}

// Sleeps for `duration` of virtual time: the thread is blocked until the simulated clock
// reaches its deadline (the clock jumps when every thread waits, so sleeping is free).
template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& duration,
               source_location where = source_location::current()) {
  sim::trap::sleep_for(std::chrono::ceil<std::chrono::nanoseconds>(duration), where);
}

}  // namespace this_thread

}  // namespace spindle::twist
