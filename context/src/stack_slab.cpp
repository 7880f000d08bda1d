// context::stack_slab: the slot arithmetic and the zero-page check; the mapping is a
// context::stack (one guarded mapping), the page calls are stack_memory_<os>.cpp.
#include <spindle/context/stack_slab.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <new>

#include <spindle/base/config.hpp>

#include "stack_memory.hpp"

#if SPINDLE_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace spindle::context {

namespace {

constexpr std::size_t max_size = std::numeric_limits<std::size_t>::max();

// Bytes of one slot (zero page + usable pages) for stacks of `stack_size` usable bytes.
std::size_t slot_size_for(std::size_t stack_size) {
  const std::size_t usable = stack::rounded_size(stack_size);
  if (usable > max_size - stack_slab::zero_page_size()) throw std::bad_alloc();
  return stack_slab::zero_page_size() + usable;
}

// Bytes of the whole slab; refuses a total that wraps around (the system would grant that).
std::size_t slab_size(std::size_t slot_size, std::size_t count) {
  if (count == 0 || count > max_size / slot_size) throw std::bad_alloc();
  return slot_size * count;
}

}  // namespace

stack_slab::stack_slab(std::size_t stack_size, std::size_t count)
    : slot_size_(slot_size_for(stack_size)),
      count_(count),
      memory_(slab_size(slot_size_, count)) {
  const stack_view all = memory_.view();
  detail::avoid_huge_pages(all.lowest, all.size);
}

stack_view stack_slab::usable(std::size_t index) const noexcept {
  SPINDLE_ASSERT(index < count_, "stack_slab::usable: no such stack");
  return {slot_lowest(index) + zero_page_size(), stack_size()};
}

std::size_t stack_slab::index_of(const std::byte* lowest) const noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(lowest);
  const auto first = reinterpret_cast<std::uintptr_t>(memory_.view().lowest) + zero_page_size();
  if (at < first) return count_;
  const std::uintptr_t offset = at - first;
  if (offset % slot_size_ != 0 || offset / slot_size_ >= count_) return count_;
  return offset / slot_size_;
}

bool stack_slab::contains(const std::byte* address) const noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  const auto lowest = reinterpret_cast<std::uintptr_t>(memory_.view().lowest);
  return at >= lowest && at - lowest < memory_.size();
}

bool stack_slab::overflowed(std::size_t index) const noexcept {
  SPINDLE_ASSERT(index < count_, "stack_slab::overflowed: no such stack");
  const std::byte* page = slot_lowest(index);
#if SPINDLE_ASAN
  // Frames that overflowed into the page may have left their redzones poisoned there; the
  // check must read the bytes, not trip over the poison.
  ASAN_UNPOISON_MEMORY_REGION(page, zero_page_size());
#endif
  // The whole page is read (a frame may have written anywhere in it): its first byte is zero
  // and every byte equals the next one. One memcmp — vectorised by the C library, and a single
  // range check under the sanitizers instead of one per word.
  return page[0] != std::byte{0} || std::memcmp(page, page + 1, zero_page_size() - 1) != 0;
}

void stack_slab::discard(std::size_t first, std::size_t n) noexcept {
  SPINDLE_ASSERT(first <= count_ && n <= count_ - first, "stack_slab::discard: no such stacks");
  if (n == 0) return;
#if SPINDLE_ASAN
  // The memory may come back as fresh zero pages: it must not keep stale poison either.
  ASAN_UNPOISON_MEMORY_REGION(slot_lowest(first), n * slot_size_);
#endif
  detail::discard_stack_pages(slot_lowest(first), n * slot_size_);
}

}  // namespace spindle::context
