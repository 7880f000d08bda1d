// The platform half of stack_overflow_scope: stack_overflow_<os>.cpp implements the handler;
// stack_overflow_scope.cpp keeps the per-thread record it reads.
#pragma once

#include <spindle/context/stack_overflow_scope.hpp>

namespace spindle::context::detail {

// The record of the stack running on this thread. Plain thread-local data so that reading it
// from the fault handler is async-signal-safe (no lazy initialisation, no locks).
struct thread_watch {
  // The installed record, or null (nothing watched). It belongs to whoever installed it (a
  // scope, a running coroutine) and stays alive while installed.
  const stack_overflow_scope::watched_stack* running = nullptr;
  bool prepared = false;  // prepare_overflow_reports() has run on this thread
};
thread_watch& this_thread_watch() noexcept;

// Installs the process-wide fault handler (once) and whatever this thread needs for the
// handler to run during an overflow (the alternate signal stack). Called once per thread.
void prepare_overflow_reports() noexcept;

// Formats the report for a fault at `fault_address` in `stack`'s guard into `buffer`
// (no allocation: usable in a signal handler). Returns the number of characters written.
std::size_t format_overflow_report(const stack_overflow_scope::watched_stack& stack,
                                   const void* fault_address, char* buffer,
                                   std::size_t capacity) noexcept;

// True if `address` lies in the guard of `stack`.
bool in_guard(const stack_overflow_scope::watched_stack& stack, const void* address) noexcept;

}  // namespace spindle::context::detail
