// Many equal stacks in one mapping, for programs that keep more stacks alive than the kernel
// allows mappings: Linux's vm.max_map_count (65,530 by default) caps a process at about 32,700
// context::stacks, since each is two mappings (guard page + usable pages). A slab of N stacks
// is two mappings in all.
//
// The price is the guard pages. A guard page between neighbouring stacks would split the
// mapping into two per stack again, so between them lies a *zero page* instead: ordinary
// memory that nothing ever writes. A body that runs off the end of its stack does not fault
// there; it writes into the zero page, and maybe on into the top of the stack below (another
// body's frames). overflowed() finds that afterwards — typically when the stack is given back
// — rather than when it happens. Only the lowest stack of a slab has a real guard page below
// its zero page: the mapping's own.
//
//   slot i:   [ zero page | usable memory, stack_size() bytes ]      (addresses grow →)
//   slab:     [ guard | slot 0 | slot 1 | ... | slot count()-1 ]
//
// A zero page costs address space only: never written, it is never backed by memory of its
// own (a read maps the system's shared zero page).
//
// Not thread-safe, like stack_pool: the context layer has no synchronization of its own.
// fiber::slab_stack_allocator adds the locking, the free list and the growth.
//
// Usage:
//   context::stack_slab slab(16 * 1024, 256);                     // 256 stacks, one mapping
//   context::stack s = context::stack::borrowed(slab.usable(7));  // run a context on it
//   ...                                                           // the context has finished
//   if (slab.overflowed(7)) report_overflow();
//   slab.discard(7, 1);                           // optional: its pages back to the system
#pragma once

#include <cstddef>

#include <spindle/context/stack.hpp>
#include <spindle/context/stack_view.hpp>

namespace spindle::context {

class stack_slab {
 public:
  // Maps `count` (at least one) stacks of `stack_size` usable bytes each, rounded up to whole
  // pages, each with its zero page. Throws std::bad_alloc if the system refuses the mapping
  // or the total does not fit in a size_t.
  stack_slab(std::size_t stack_size, std::size_t count);

  stack_slab(const stack_slab&) = delete;
  stack_slab& operator=(const stack_slab&) = delete;

  // Unmaps every stack: nothing may run on them any more (the owner's duty).
  ~stack_slab() = default;

  std::size_t count() const noexcept { return count_; }
  // Usable bytes of each stack: a whole number of pages.
  std::size_t stack_size() const noexcept { return slot_size_ - zero_page_size(); }

  // The usable memory of stack `index` (< count()): page-aligned, stack_size() bytes.
  stack_view usable(std::size_t index) const noexcept;
  // The stack whose usable memory starts at `lowest`, or count() if none of this slab's does.
  std::size_t index_of(const std::byte* lowest) const noexcept;
  // True if `address` lies anywhere in this slab's stacks or zero pages.
  bool contains(const std::byte* address) const noexcept;

  // True if something wrote a non-zero byte into the zero page below stack `index`: a body
  // that ran off the end of that stack (and maybe into the top of stack index - 1). Best
  // effort: a frame that skips the whole page, or writes only zeros there, goes unseen.
  // Read it when nothing runs on the stack any more.
  bool overflowed(std::size_t index) const noexcept;

  // Gives the memory of stacks [first, first + n) and their zero pages back to the system;
  // they stay mapped and usable, and read as zeros or as they were. Nothing may run on them.
  void discard(std::size_t first, std::size_t n) noexcept;

  // The bytes between two neighbouring stacks: one page.
  static std::size_t zero_page_size() noexcept { return stack::page_size(); }

 private:
  std::byte* slot_lowest(std::size_t index) const noexcept {
    return memory_.view().lowest + index * slot_size_;
  }

  std::size_t slot_size_;  // zero page + usable memory of one stack
  std::size_t count_;
  stack memory_;           // the mapping: guard page, then count_ slots
};

}  // namespace spindle::context
