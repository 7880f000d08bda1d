// The C++ runtime's per-thread exception bookkeeping, saved and restored around every switch
// into and out of a coroutine.
//
// Why: the Itanium C++ ABI runtime (libstdc++'s libsupc++, libc++abi) keeps, per OS thread,
// the stack of exceptions currently being handled (what `throw;` and std::current_exception()
// see; entering a catch block pushes, leaving it pops) and the count of exceptions in flight
// (std::uncaught_exceptions()). A coroutine that suspends inside a catch block leaves its
// exception on that thread stack; without the swap, the resumer would see it as its own, and
// two coroutines suspended in catch blocks would pop each other's exceptions.
#pragma once

namespace spindle::coro::detail {

struct exception_state {
  void* caught_exceptions = nullptr;     // top of the caught-exception stack
  unsigned int uncaught_exceptions = 0;  // exceptions thrown and not yet caught

  // Makes `next` this thread's exception state and returns the state it replaces.
  // Out of line on purpose: the runtime's accessor is declared `const` (pure per thread), so
  // an inlined call could be reused across a context switch, possibly onto another thread.
  static exception_state exchange(const exception_state& next) noexcept;
};

}  // namespace spindle::coro::detail
