// context::stack: page rounding and ownership; the mapping itself is stack_memory_<os>.cpp.
#include <spindle/context/stack.hpp>

#include <limits>
#include <new>

#include <spindle/base/config.hpp>

#include "stack_memory.hpp"

#if SPINDLE_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace spindle::context {

stack::stack(std::size_t size) : size_(rounded_size(size)) {
  // The usable pages and the guard must fit one size_t together, or the mapping's length wraps
  // around to something small that the system would grant.
  if (size_ > std::numeric_limits<std::size_t>::max() - detail::stack_guard_size()) {
    throw std::bad_alloc();
  }
  lowest_ = detail::map_guarded_stack(size_);
  if (lowest_ == nullptr) throw std::bad_alloc();
}

void stack::unmap() noexcept {
  if (lowest_ != nullptr && owns_memory_) {
#if SPINDLE_ASAN
    // Frames that ended in a switch rather than a return leave poisoned redzones behind; the
    // shadow must be clean before the address range can be mapped again for anything else.
    ASAN_UNPOISON_MEMORY_REGION(lowest_, size_);
#endif
    detail::unmap_guarded_stack(lowest_, size_);
  }
  lowest_ = nullptr;
  size_ = 0;
  owns_memory_ = true;
}

std::byte* stack::guard_lowest() const noexcept {
  return lowest_ == nullptr || !owns_memory_ ? nullptr : lowest_ - detail::stack_guard_size();
}

std::size_t stack::guard_size() noexcept { return detail::stack_guard_size(); }

std::size_t stack::page_size() noexcept { return detail::system_page_size(); }

std::size_t stack::rounded_size(std::size_t size) noexcept {
  const std::size_t page = detail::system_page_size();
  if (size == 0) size = 1;  // a zero-byte stack is a caller bug, but one page is harmless
  const std::size_t largest = std::numeric_limits<std::size_t>::max() / page * page;
  if (size > largest) return largest;  // no mapping is that big anyway: stack() refuses it
  return (size - 1) / page * page + page;
}

}  // namespace spindle::context
