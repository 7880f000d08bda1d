// stack_overflow_scope: the per-thread record of the running stack, and the report text.
#include <spindle/context/stack_overflow_scope.hpp>

#include <cstdint>

#include "stack_overflow_report.hpp"

namespace spindle::context {

namespace detail {

namespace {

// Constant-initialised, so no TLS wrapper or guard: the signal handler may read it.
thread_local thread_watch watch_of_this_thread;

// Appends `text` to buffer[length, capacity); returns the new length.
std::size_t append(char* buffer, std::size_t length, std::size_t capacity,
                   const char* text) noexcept {
  while (*text != '\0' && length < capacity) buffer[length++] = *text++;
  return length;
}

std::size_t append_hex(char* buffer, std::size_t length, std::size_t capacity,
                       const void* pointer) noexcept {
  constexpr char digits[] = "0123456789abcdef";
  constexpr int hex_digits = static_cast<int>(sizeof(std::uintptr_t) * 2);
  const auto value = reinterpret_cast<std::uintptr_t>(pointer);
  length = append(buffer, length, capacity, "0x");
  for (int shift = (hex_digits - 1) * 4; shift >= 0 && length < capacity; shift -= 4) {
    buffer[length++] = digits[(value >> shift) & 0xf];
  }
  return length;
}

}  // namespace

thread_watch& this_thread_watch() noexcept { return watch_of_this_thread; }

bool in_guard(const stack_overflow_scope::watched_stack& stack, const void* address) noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  const auto lowest = reinterpret_cast<std::uintptr_t>(stack.guard_lowest);
  return stack.guard_size != 0 && at >= lowest && at - lowest < stack.guard_size;
}

std::size_t format_overflow_report(const stack_overflow_scope::watched_stack& stack,
                                   const void* fault_address, char* buffer,
                                   std::size_t capacity) noexcept {
  std::size_t length = 0;
  length = append(buffer, length, capacity, "spindle: stack overflow in ");
  length = append(buffer, length, capacity, stack.kind);
  length = append(buffer, length, capacity, " ");
  length = append(buffer, length, capacity, stack.name);
  length = append(buffer, length, capacity, " (fault at ");
  length = append_hex(buffer, length, capacity, fault_address);
  length = append(buffer, length, capacity, ", guard [");
  length = append_hex(buffer, length, capacity, stack.guard_lowest);
  length = append(buffer, length, capacity, ", ");
  length = append_hex(buffer, length, capacity, stack.guard_lowest + stack.guard_size);
  length = append(buffer, length, capacity, "))\n");
  return length;
}

}  // namespace detail

stack_overflow_scope::stack_overflow_scope(const std::byte* guard_lowest, std::size_t guard_size,
                                           const char* kind, const char* name) noexcept
    : record_{guard_lowest, guard_size, kind, name}, previous_(exchange(&record_)) {}

stack_overflow_scope::~stack_overflow_scope() {
  // Looked up again rather than cached: this runs after a context switch, and a thread-local's
  // address must not be carried across one.
  detail::this_thread_watch().running = previous_;
}

const stack_overflow_scope::watched_stack* stack_overflow_scope::exchange(
    const watched_stack* running) noexcept {
  detail::thread_watch& watch = detail::this_thread_watch();
  const watched_stack* previous = watch.running;
  watch.running = running;
  // Prepared after the record is installed: nothing can fault in between, and the slow path
  // then needs nothing kept across its call.
  if (!watch.prepared) [[unlikely]] {
    detail::prepare_overflow_reports();
    watch.prepared = true;
  }
  return previous;
}

stack_overflow_scope::watched_stack stack_overflow_scope::current() noexcept {
  const watched_stack* running = detail::this_thread_watch().running;
  return running != nullptr ? *running : watched_stack{};
}

}  // namespace spindle::context
