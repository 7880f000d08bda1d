// context::stack: page rounding and ownership; the mapping itself is stack_memory_<os>.cpp.
#include <spindle/context/stack.hpp>

#include <new>
#include <utility>

#include "stack_memory.hpp"

namespace spindle::context {

stack::stack(std::size_t size) : size_(rounded_size(size)) {
  lowest_ = detail::map_guarded_stack(size_);
  if (lowest_ == nullptr) throw std::bad_alloc();
}

stack::stack(stack&& other) noexcept
    : lowest_(std::exchange(other.lowest_, nullptr)), size_(std::exchange(other.size_, 0)) {}

stack& stack::operator=(stack&& other) noexcept {
  if (this != &other) {
    unmap();
    lowest_ = std::exchange(other.lowest_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

stack::~stack() { unmap(); }

void stack::unmap() noexcept {
  if (lowest_ != nullptr) detail::unmap_guarded_stack(lowest_, size_);
  lowest_ = nullptr;
  size_ = 0;
}

std::byte* stack::guard_lowest() const noexcept {
  return lowest_ == nullptr ? nullptr : lowest_ - detail::stack_guard_size();
}

std::size_t stack::guard_size() noexcept { return detail::stack_guard_size(); }

std::size_t stack::page_size() noexcept { return detail::system_page_size(); }

std::size_t stack::rounded_size(std::size_t size) noexcept {
  const std::size_t page = detail::system_page_size();
  if (size == 0) size = 1;  // a zero-byte stack is a caller bug, but one page is harmless
  return (size + page - 1) / page * page;
}

}  // namespace spindle::context
