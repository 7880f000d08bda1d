// The raw machine context switch: hand-written assembly per ABI, unaware of sanitizers.
// Most code wants execution_context (which adds the ASAN/TSAN annotations); this layer is for
// code that needs the bare switch, such as the register-preservation tests.
//
// Usage:
//   machine_context caller;                       // whatever is running now
//   machine_context callee;
//   callee.prepare(stack, entry, arg);            // entry(arg) runs on `stack` at first switch
//   caller.switch_to(callee);                     // returns when someone switches to `caller`
//
// What a switch saves (the callee-saved state of the ABI, and nothing else):
//   x86-64 System V: rbx, rbp, r12-r15, the MXCSR (for its control bits) and the x87 control
//     word. The stack pointer is the handle itself.
//   Microsoft x64:   rbx, rbp, rdi, rsi, r12-r15, xmm6-xmm15 (all 128 bits), MXCSR (control
//     bits), x87 control word, and the TEB's StackBase, StackLimit and DeallocationStack, so that
//     SEH exception dispatch (which rejects frames outside [StackLimit, StackBase]) and stack
//     probing work on a context's own stack, plus the TEB ExceptionList, which wine consults.
//   aarch64 AAPCS64: x19-x28, fp (x29), lr (x30, the resume address), d8-d15 (the low 64 bits
//     of v8-v15) and FPCR (rounding mode, flush-to-zero, default-NaN are preserved across calls).
// What it deliberately does not save, and why:
//   - caller-saved (volatile) registers, including the upper halves of ymm/zmm registers and of
//     v8-v15: the compiler already assumes a call clobbers them;
//   - status flags (MXCSR exception flags, x87 status word, FPSR): caller-saved by every ABI;
//     they stay with the thread. (Switching the sticky MXCSR flags would also make every switch
//     between contexts with different flags pay for a changing ldmxcsr, tens of nanoseconds.)
//   - the signal mask, errno, the thread pointer (fs/tpidr_el0), TEB FiberData and the
//     ExceptionList: a context runs on one thread at a time and these belong to the thread, not
//     to the context (saving the signal mask would also cost a syscall per switch);
//   - CET shadow stacks / aarch64 pointer authentication keys: the switch neither signs nor
//     checks return addresses; the objects carry no IBT/SHSTK/BTI property notes.
// docs/context.md has the details.
#pragma once

#include <spindle/base/config.hpp>
#include <spindle/context/stack_view.hpp>

namespace spindle::context {

// Entry point of a fresh context. It runs on the context's stack and must never return:
// it ends by exit_to() (or by switching away and never being resumed). If it returns anyway,
// the trampoline prints a message and aborts.
using entry_function = void (*)(void* arg);

namespace detail {
extern "C" {
// Saves the running context's callee-saved state on its stack, stores that stack pointer to
// *save_sp, then restores the context whose switch frame is at resume_sp and continues it.
// Returns (to the caller that saved the frame at resume_sp) when switched back to.
void spindle_context_switch(void** save_sp, void* resume_sp) noexcept;
// The same switch, tuned for symmetric transfers (see switch_symmetric_to()).
void spindle_context_switch_symmetric(void** save_sp, void* resume_sp) noexcept;
// Starts a fresh context: calls the entry function with its argument from the prepared frame.
// Never called directly; prepare() stores its address as the first resume address.
void spindle_context_trampoline() noexcept;
}
}  // namespace detail

class machine_context {
 public:
  // A context that stands for whatever is running now; it becomes resumable once it has
  // switched away.
  machine_context() noexcept = default;

  machine_context(const machine_context&) = delete;
  machine_context& operator=(const machine_context&) = delete;

  // Lays out a first switch frame at the top of `stack` so that the next switch into *this
  // calls entry(arg) there, with the stack aligned as the ABI requires at a call. The stack
  // must be at least minimum_stack_size() bytes; it inherits the floating-point control state
  // (rounding mode etc.) of the caller, as a new thread would.
  void prepare(stack_view stack, entry_function entry, void* arg) noexcept;

  // Saves the caller, which must be running as *this, and resumes `target` (prepared, or
  // suspended in a switch). Returns when some context switches back to *this.
  void switch_to(machine_context& target) noexcept {
    SPINDLE_ASSERT(target.has_frame(),
                   "context switch to a context that was never set up (nothing to resume)");
    detail::spindle_context_switch(&suspended_sp_, target.suspended_sp_);
  }

  // switch_to() for a target that suspended through the same call path the caller is
  // switching from (fibers handing off to each other): the same effect, but it leaves the
  // CPU's return-address predictor in step for that pattern, where switch_to() is tuned for a
  // resumer and a coroutine switching back and forth (x86_64_sysv.S, "Speed").
  void switch_symmetric_to(machine_context& target) noexcept {
    SPINDLE_ASSERT(target.has_frame(),
                   "context switch to a context that was never set up (nothing to resume)");
    detail::spindle_context_switch_symmetric(&suspended_sp_, target.suspended_sp_);
  }

  // Like switch_to() for a context that will never be resumed: nothing of *this is kept.
  [[noreturn]] void exit_to(machine_context& target) noexcept {
    // The dead frame's stack pointer goes into *this, never into a local: under ASAN with
    // detect_stack_use_after_return a local may live on the fake stack that the final
    // annotation has just freed.
    SPINDLE_ASSERT(target.has_frame(),
                   "context exit to a context that was never set up (nothing to resume)");
    detail::spindle_context_switch(&suspended_sp_, target.suspended_sp_);
    __builtin_unreachable();
  }

  // False only for a context never prepared and never switched away from: switching to such
  // a context is a bug (there is nothing to resume).
  bool has_frame() const noexcept { return suspended_sp_ != nullptr; }

  // The fewest bytes prepare() accepts: the first frame plus room for the entry to run at all.
  static constexpr std::size_t minimum_stack_size() noexcept { return 1024; }

 private:
  // Points at the switch frame (detail/switch_frame.hpp) of a suspended or prepared context;
  // written by prepare() and by the switch away from *this; stale while the context runs.
  void* suspended_sp_ = nullptr;
};

}  // namespace spindle::context
