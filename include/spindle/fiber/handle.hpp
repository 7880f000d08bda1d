// A suspended fiber, as seen by whoever will resume it: the argument of the after_switch
// callback of fiber::detail::suspend() (suspend.hpp). One pointer; copyable; owns nothing.
//
//   fiber::detail::suspend([&](fiber::handle h) {   // runs once the fiber is off its stack
//     parked_ = h;                                    // publish it; a waker later calls
//   });                                               //   parked_.resume()
//
// Rule (HD.HANDLE1): resume a handle exactly once per suspension. From the moment resume() is
// called the fiber may run — on another thread, at once — and may finish and free its stack:
// touch nothing that lives on the fiber's stack (its waiter, the after_switch callable's
// captures) after making the handle reachable to a resumer.
#pragma once

#include <spindle/exec/executor.hpp>
#include <spindle/exec/task.hpp>

namespace spindle::fiber {

namespace detail {
class fiber_block;
}

class handle {
 public:
  handle() noexcept = default;
  explicit handle(detail::fiber_block* block) noexcept : block_(block) {}

  // Schedules the fiber on its executor (submits its own task node: no allocation). A fiber
  // whose executor has stopped cannot run again: that is a usage error and stops the program.
  void resume(exec::hint h = exec::hint::any) const noexcept;

  // The same on `ex`, which becomes the fiber's executor from now on (fiber::switch_to).
  void resume_on(exec::executor& ex, exec::hint h = exec::hint::any) const noexcept;

  bool valid() const noexcept { return block_ != nullptr; }
  explicit operator bool() const noexcept { return valid(); }

 private:
  detail::fiber_block* block_ = nullptr;
};

}  // namespace spindle::fiber
