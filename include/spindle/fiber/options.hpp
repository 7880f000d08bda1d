// How a fiber is started: its stack, its name, its timer service, what happens if it throws.
//
//   fiber::options opts;
//   opts.name = "accept-loop";
//   opts.stack_size = 256 * 1024;
//   opts.timers = &timers;                 // for fiber::sleep_for
//   fiber::go(pool, [] { serve(); }, opts);
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include <spindle/context/stack.hpp>

namespace spindle::fiber {

class stack_allocator;
class timer_service;

// What an exception escaping a fiber's body is reported with.
struct failure {
  std::uint64_t id;           // this_fiber::id() of the fiber
  std::string_view name;      // its name (valid during the handler call only)
  std::exception_ptr error;   // what escaped
};

// Called on the thread that ran the fiber's last step, after the fiber ended. A plain function
// pointer, so that options (copied onto the fiber's stack) never allocate.
using failure_handler = void (*)(const failure&) noexcept;

// The default: prints "spindle: fiber '<name>' (id <n>) threw: <what>" and calls std::terminate.
[[noreturn]] void terminate_on_failure(const failure& f) noexcept;

struct options {
  // Usable stack bytes (rounded up to pages). The body, its captures and the fiber's control
  // block live at the top of this stack.
  std::size_t stack_size = context::stack::default_size;
  // Shown by this_fiber::name(), failure reports and stack-overflow reports; truncated to
  // max_name_length characters (copied: the string need not outlive go()).
  std::string_view name = "fiber";
  // Where the stack comes from (null: thread_cached_stacks()). Must outlive the fiber.
  stack_allocator* stacks = nullptr;
  // The timer service fiber::sleep_for uses (null: the spawning fiber's, if go() is called from
  // a fiber; else none, and sleep_for stops the program). Must outlive the fiber's sleeps.
  timer_service* timers = nullptr;
  // Called if an exception escapes the body.
  failure_handler on_failure = &terminate_on_failure;

  static constexpr std::size_t max_name_length = 31;
};

}  // namespace spindle::fiber
