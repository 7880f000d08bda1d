// The C++ runtime's per-thread exception bookkeeping, saved and restored around every switch
// into and out of a coroutine or a simulated thread (anything that switches stacks on one OS
// thread).
//
// Why: the Itanium C++ ABI runtime (libstdc++'s libsupc++, libc++abi) keeps, per OS thread,
// the stack of exceptions currently being handled (what `throw;` and std::current_exception()
// see; entering a catch block pushes, leaving it pops) and the count of exceptions in flight
// (std::uncaught_exceptions()), in the struct __cxa_get_globals() returns. A coroutine that
// suspends inside a catch block leaves its exception on that thread stack; without the swap,
// the resumer would see it as its own, and two coroutines suspended in catch blocks would pop
// each other's exceptions.
#pragma once

#include <cstddef>
#include <cstring>

namespace spindle::context {

struct exception_state {
  void* caught_exceptions = nullptr;     // top of the caught-exception stack
  unsigned int uncaught_exceptions = 0;  // exceptions thrown and not yet caught

  // Where the runtime keeps the calling thread's state. It belongs to that thread: resume()
  // uses it on both sides of its switch (the resumer always comes back on its own thread), but
  // nothing may carry it across a suspend(), which can come back on another thread. Out of
  // line on purpose: the runtime's accessor is declared `const`, so an inlined call could be
  // merged with another one across a switch.
  static void* this_thread_slot() noexcept;

  // Makes `next` the state in `slot` and returns the state it replaces.
  static exception_state exchange(void* slot, const exception_state& next) noexcept {
    // Field by field through memcpy: the runtime's struct is another type (no aliasing games),
    // and only its two fields are ours to touch. The layout is __cxa_eh_globals's:
    //   { __cxa_exception* caughtExceptions; unsigned int uncaughtExceptions; }
    auto* bytes = static_cast<unsigned char*>(slot);
    exception_state previous;
    std::memcpy(&previous.caught_exceptions, bytes + caught_offset, sizeof(void*));
    std::memcpy(&previous.uncaught_exceptions, bytes + uncaught_offset, sizeof(unsigned int));
    std::memcpy(bytes + caught_offset, &next.caught_exceptions, sizeof(void*));
    std::memcpy(bytes + uncaught_offset, &next.uncaught_exceptions, sizeof(unsigned int));
    return previous;
  }

 private:
  struct runtime_layout {
    void* caught_exceptions;
    unsigned int uncaught_exceptions;
  };
  static constexpr std::size_t caught_offset = offsetof(runtime_layout, caught_exceptions);
  static constexpr std::size_t uncaught_offset = offsetof(runtime_layout, uncaught_exceptions);
};

}  // namespace spindle::context
