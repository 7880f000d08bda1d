// CONTRACT (to be implemented in src/context/): the sanitizer-aware execution context that
// the simulator and coroutines switch between. See machine_context.hpp for the raw switch.
//
// Usage:
//   execution_context caller;                 // the running thread's own execution
//   execution_context callee;
//   callee.setup(stack, [](void* arg) { ...; self.exit_to(caller); }, arg);
//   caller.switch_to(callee);                 // runs entry(arg) on `stack`
#pragma once

#include <spindle/context/stack_view.hpp>

namespace spindle::context {

// Entry point of a fresh context. It runs on the context's stack and must never return:
// it ends by exit_to() (or by switching away and never being resumed).
using entry_function = void (*)(void* arg);

class execution_context {
 public:
  // A context that stands for an execution already running (a thread's own stack); it can be
  // switched away from and back into without setup().
  execution_context() noexcept = default;
  ~execution_context();

  execution_context(const execution_context&) = delete;
  execution_context& operator=(const execution_context&) = delete;

  // Prepares this context so the first switch into it calls entry(arg) on `stack`.
  void setup(stack_view stack, entry_function entry, void* arg) noexcept;

  // Suspends the caller, which must be running as *this, and resumes `target`.
  // Returns when some context switches back to *this.
  void switch_to(execution_context& target) noexcept;

  // Like switch_to() for a context that has finished: *this never runs again, and its
  // sanitizer state (ASAN fake stack, TSAN fiber) is released.
  [[noreturn]] void exit_to(execution_context& target) noexcept;

  // (private members defined by the implementation)
};

}  // namespace spindle::context
