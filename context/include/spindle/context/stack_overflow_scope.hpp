// Clear reports of stack overflow. While a stack_overflow_scope lives, a fault inside the
// given guard range on this thread prints
//
//   spindle: stack overflow in <kind> <name> (fault at 0x..., guard [0x..., 0x...))
//
// to stderr and aborts, instead of dying with a bare SIGSEGV. Faults anywhere else go to the
// handler that was installed before (or the default action) as if spindle were not there.
//
// How: the first scope in the process installs a SIGSEGV/SIGBUS handler (a vectored exception
// handler on Windows); the first scope on each thread gives that thread an alternate signal
// stack, because the handler cannot run on the stack that just overflowed. The scope records
// the running stack in a thread-local that the handler reads; scopes nest (a coroutine that
// resumes another) and restore the outer record when they end.
//
// Usage (around a switch into a context that runs on `stack`):
//   context::stack_overflow_scope watch(stack.guard_lowest(), stack.guard_size(),
//                                       "coroutine", name);
//   caller.switch_to(callee);
#pragma once

#include <cstddef>

namespace spindle::context {

class stack_overflow_scope {
 public:
  // What the fault handler knows about the stack running on this thread. `kind` and `name`
  // must outlive the scope (string literals, or names owned by the coroutine or fiber).
  struct watched_stack {
    const std::byte* guard_lowest = nullptr;
    std::size_t guard_size = 0;
    const char* kind = "";
    const char* name = "";
  };

  // From now until the destructor, a fault in [guard_lowest, guard_lowest + guard_size) on
  // this thread is reported as an overflow of `kind` `name`. A zero guard_size watches nothing
  // (caller memory without a guard) but still hides the outer scope's stack.
  stack_overflow_scope(const std::byte* guard_lowest, std::size_t guard_size, const char* kind,
                       const char* name) noexcept;
  // Restores the record of the enclosing scope (or none).
  ~stack_overflow_scope();

  stack_overflow_scope(const stack_overflow_scope&) = delete;
  stack_overflow_scope& operator=(const stack_overflow_scope&) = delete;

  // The record the fault handler would use on this thread right now (for tests).
  static watched_stack current() noexcept;

  // The scope without the object, for code whose start and end of watching are two separate
  // calls (a coroutine's resume, which keeps its record in its control block): installs
  // `running` (or null: nothing watched) as this thread's record, preparing the thread as the
  // constructor does, and returns the record it replaces, which the caller must put back the
  // same way when it is done. The thread keeps the pointer, not a copy (a switch between two
  // coroutines then costs one pointer store): *running must outlive its installation.
  static const watched_stack* exchange(const watched_stack* running) noexcept;

 private:
  watched_stack record_;
  const watched_stack* previous_;
};

}  // namespace spindle::context
