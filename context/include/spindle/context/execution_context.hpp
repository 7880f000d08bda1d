// The context that the simulator and coroutines switch between: the machine switch
// (machine_context.hpp) plus the annotations that keep AddressSanitizer and ThreadSanitizer
// correct across stack switches. Without a sanitizer it is exactly a machine_context, and every
// member function is an inline call into the assembly.
//
// Usage:
//   execution_context caller;                 // the running thread's own execution
//   execution_context callee;
//   callee.setup(stack, [](void* arg) { ...; self.exit_to(caller); }, arg);
//   caller.switch_to(callee);                 // runs entry(arg) on `stack`
//
// Sanitizer protocol (docs/context.md has the full story):
//   ASAN  every switch is bracketed by __sanitizer_start_switch_fiber (with the target's stack
//         bounds; it saves the leaving context's fake stack) and, on arrival,
//         __sanitizer_finish_switch_fiber (which restores the arriving context's fake stack, or
//         none at a fresh context's first entry). The bounds it reports for the stack we came
//         from are recorded in the context we came from: that is how a thread's own context
//         learns its stack. exit_to() passes no fake-stack slot, so ASAN frees the fake stack.
//   TSAN  setup() creates a TSAN fiber; the thread's own context adopts
//         __tsan_get_current_fiber() the first time it switches away; each switch calls
//         __tsan_switch_to_fiber(target, 0), which also orders the two contexts (a
//         happens-before edge); the destructor destroys the fiber it created.
#pragma once

#include <cstddef>

#include <spindle/base/config.hpp>
#include <spindle/context/machine_context.hpp>
#include <spindle/context/stack_view.hpp>

#define SPINDLE_CONTEXT_ANNOTATED (SPINDLE_ASAN || SPINDLE_TSAN)

namespace spindle::context {

class execution_context {
 public:
  // A context that stands for an execution already running (a thread's own stack); it can be
  // switched away from and back into without setup(). One such object stands for one thread.
  execution_context() noexcept = default;
  ~execution_context();

  execution_context(const execution_context&) = delete;
  execution_context& operator=(const execution_context&) = delete;

  // Prepares this context so the first switch into it calls entry(arg) on `stack`. *this must
  // not move while it is in use, must not be running, and the stack must stay valid until the
  // context has exited (or will never be resumed).
  void setup(stack_view stack, entry_function entry, void* arg) noexcept;

  // Suspends the caller, which must be running as *this, and resumes `target`.
  // Returns when some context switches back to *this.
  void switch_to(execution_context& target) noexcept;

  // switch_to() for a target that suspended through the same call path (machine_context's
  // switch_symmetric_to: only the branch prediction differs). Under a sanitizer it is
  // switch_to(), annotations and all.
  void switch_symmetric_to(execution_context& target) noexcept;

  // Like switch_to() for a context that has finished: *this never runs again, and its
  // sanitizer state (ASAN fake stack, TSAN fiber) is released.
  [[noreturn]] void exit_to(execution_context& target) noexcept;

 private:
#if SPINDLE_CONTEXT_ANNOTATED
  // The entry prepare() is given under a sanitizer: finishes the first switch, then entry_.
  static void annotated_entry(void* self) noexcept;
#endif
#if SPINDLE_ASAN
  // Completes the switch that just arrived at *this: restores our fake stack, records the
  // bounds of the stack we came from.
  void arrived(void* fake_stack) noexcept;
#endif
#if SPINDLE_TSAN
  void release_tsan_fiber() noexcept;
#endif

  machine_context machine_;

#if SPINDLE_CONTEXT_ANNOTATED
  // The user's entry and argument, called by annotated_entry(); set by setup().
  entry_function entry_ = nullptr;
  void* arg_ = nullptr;
#endif
#if SPINDLE_ASAN
  // This context's stack bounds as ASAN wants them. From setup(), or, for a thread's own
  // context, reported by the context it first switched to.
  const void* stack_bottom_ = nullptr;
  std::size_t stack_size_ = 0;
  // ASAN's fake stack of this context while it is suspended (detect_stack_use_after_return).
  void* fake_stack_ = nullptr;
  // The context whose switch is arriving here: written by it just before the switch, read
  // (and cleared) by *this just after. Null when the switch came from exit_to().
  execution_context* switched_from_ = nullptr;
#endif
#if SPINDLE_TSAN
  void* tsan_fiber_ = nullptr;
  bool owns_tsan_fiber_ = false;  // created by setup(), so destroyed by *this
#endif
};

#if !SPINDLE_CONTEXT_ANNOTATED
// No sanitizer: nothing to annotate, so the context is the bare machine switch, inline.
inline execution_context::~execution_context() = default;

inline void execution_context::setup(stack_view stack, entry_function entry, void* arg) noexcept {
  machine_.prepare(stack, entry, arg);
}

inline void execution_context::switch_to(execution_context& target) noexcept {
  machine_.switch_to(target.machine_);
}

inline void execution_context::switch_symmetric_to(execution_context& target) noexcept {
  machine_.switch_symmetric_to(target.machine_);
}

inline void execution_context::exit_to(execution_context& target) noexcept {
  machine_.exit_to(target.machine_);
}
#else
inline void execution_context::switch_symmetric_to(execution_context& target) noexcept {
  switch_to(target);
}
#endif

}  // namespace spindle::context
