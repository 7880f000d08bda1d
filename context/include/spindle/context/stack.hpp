// A machine stack. Usually an owned one: usable memory with an inaccessible guard page right
// below it, so running off the end faults (and is reported, see stack_overflow_scope.hpp)
// instead of silently overwriting whatever lies below. Or a borrowed one (stack::borrowed):
// memory that something else owns — one stack of a context::stack_slab — which the object
// only names, with no guard page of its own, and leaves alone when destroyed. Both kinds pass
// through the same interfaces (fiber::stack_allocator hands out either).
//
// Usage:
//   context::stack stack(context::stack::default_size);  // 64 KiB usable + guard page
//   context::stack big(1 << 20);               // 1 MiB, rounded up to whole pages
//   ctx.setup(stack.view(), entry, arg);
//   context::stack lent = context::stack::borrowed(slab.usable(3));  // names slab memory
#pragma once

#include <cstddef>
#include <utility>

#include <spindle/context/stack_view.hpp>

namespace spindle::context {

class stack {
 public:
  // 64 KiB: enough for ordinary coroutine and fiber bodies (a few dozen frames with small
  // locals, printf, an exception throw) while keeping ten thousand stacks under 1 GiB of
  // address space. Deep recursion or big local buffers need an explicit size.
  static constexpr std::size_t default_size = 64 * 1024;

  // An empty stack (no memory), like a moved-from one; assign a mapped stack to use it.
  stack() noexcept = default;

  // Maps `size` usable bytes (rounded up to whole pages) plus the guard page.
  // Throws std::bad_alloc if the system refuses the mapping.
  explicit stack(std::size_t size);

  // A stack over `memory`, which stays its owner's: no guard page, nothing unmapped at
  // destruction. The owner must keep the memory valid while the stack (or what runs on it)
  // uses it. Empty memory gives an empty stack.
  static stack borrowed(stack_view memory) noexcept {
    stack s;
    if (memory.lowest != nullptr) {
      s.lowest_ = memory.lowest;
      s.size_ = memory.size;
      s.owns_memory_ = false;
    }
    return s;
  }

  // Inline: a pooled coroutine moves its stack in and out of the pool on every create/destroy.
  stack(stack&& other) noexcept
      : lowest_(std::exchange(other.lowest_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        owns_memory_(std::exchange(other.owns_memory_, true)) {}
  stack& operator=(stack&& other) noexcept {
    if (this != &other) {
      if (lowest_ != nullptr) unmap();
      lowest_ = std::exchange(other.lowest_, nullptr);
      size_ = std::exchange(other.size_, 0);
      owns_memory_ = std::exchange(other.owns_memory_, true);
    }
    return *this;
  }
  stack(const stack&) = delete;
  stack& operator=(const stack&) = delete;

  // Unmaps the memory, guard page included (a borrowed stack's memory is left alone).
  ~stack() {
    if (lowest_ != nullptr) unmap();
  }

  // The usable memory (the guard page is not part of it).
  stack_view view() const noexcept { return {lowest_, size_}; }
  // Usable bytes: a whole number of pages for an owned stack; whatever was lent for a
  // borrowed one.
  std::size_t size() const noexcept { return size_; }
  bool is_empty() const noexcept { return lowest_ == nullptr; }
  // False for a borrowed stack (and true for an empty one: nothing to give back to anyone).
  bool owns_memory() const noexcept { return owns_memory_; }

  // The inaccessible range right below view().lowest, of guard_size() bytes; a fault in it is
  // an overflow. Null for an empty stack and for a borrowed one (it has no guard of its own).
  std::byte* guard_lowest() const noexcept;
  static std::size_t guard_size() noexcept;

  // The system's page size (stack sizes are rounded up to it).
  static std::size_t page_size() noexcept;
  // The usable size stack(size) gets: `size` rounded up to whole pages (at least one). A size
  // too close to SIZE_MAX to round saturates at the largest whole number of pages, which
  // stack(size) then refuses with std::bad_alloc.
  static std::size_t rounded_size(std::size_t size) noexcept;

 private:
  // Releases the memory (if owned) and leaves *this empty.
  void unmap() noexcept;

  std::byte* lowest_ = nullptr;  // lowest usable byte; an owned stack's guard page lies below it
  std::size_t size_ = 0;         // usable bytes
  bool owns_memory_ = true;      // false: borrowed(), the memory is someone else's
};

}  // namespace spindle::context
