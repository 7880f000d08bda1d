// fiber::slab_stack_allocator: slabs (context::stack_slab), a LIFO list of idle stacks, and
// per-stack "lent" flags, all under one spinlock. Why slabs and what they cost: the header.
//
// allocate():
//   1. Under the lock, pop the most recently freed stack, mark it lent. Done.
//   2. None idle: map a new slab without the lock (mmap can take microseconds, and may throw).
//   3. Under the lock, grow the vectors first (may throw: the slab is unmapped, nothing else
//      changed), then insert the slab in address order, push all its stacks but the first as
//      idle and hand out the first. Two threads that both found no idle stack both add a slab;
//      the extra stacks are simply idle.
// deallocate():
//   1. Under the lock, find the stack's slab and index, and check the stack is lent (a foreign
//      stack, or one given back twice, stops the program here).
//   2. Without the lock, read its zero page (stack_slab::overflowed: a page of reads, and a
//      minor fault the first time, kept out of everyone's critical section). The stack is
//      still marked lent, so nobody else can have it: its slab cannot go away (slabs live as
//      long as the allocator) and no new fiber can write near it.
//   3. Under the lock, mark it idle and push it. The push cannot allocate (SA.CAP1 in the header).
// Stack memory changes hands only through the lock: the release in unlock() after step 3 of
// deallocate() pairs with the acquire in lock() of step 1 of the allocate() that takes the
// stack next, so the old fiber's writes happen-before the new fiber's.
#include <spindle/fiber/slab_stack_allocator.hpp>

#include <algorithm>
#include <limits>
#include <new>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/core/spinlock_guard.hpp>
#include <spindle/context/stack_slab.hpp>

namespace spindle::fiber {

struct slab_stack_allocator::slab {
  slab(std::size_t stack_size, std::size_t count)
      : memory(stack_size, count), lent(new bool[count]()) {}

  context::stack_slab memory;
  std::unique_ptr<bool[]> lent;  // lent[i]: stack i is handed out; guarded by the allocator's lock_
};

slab_stack_allocator::slab_stack_allocator(const slab_stack_options& options)
    : stack_size_(context::stack::rounded_size(options.stack_size)),
      stacks_per_slab_(options.stacks_per_slab) {
  SPINDLE_VERIFY(stacks_per_slab_ > 0, "slab_stack_allocator: stacks_per_slab must be at least 1");
  // A slab must fit the address space's arithmetic; the mapping itself is tried at first use.
  const std::size_t slot_size = stack_size_ + context::stack_slab::zero_page_size();
  if (stack_size_ < options.stack_size || slot_size < stack_size_ ||
      stacks_per_slab_ > std::numeric_limits<std::size_t>::max() / slot_size) {
    throw std::bad_alloc();
  }
}

slab_stack_allocator::~slab_stack_allocator() {
  SPINDLE_VERIFY(in_use_ == 0,
                 "slab_stack_allocator destroyed while fibers still use its stacks (a fiber "
                 "leaves its stack after its last step: wait for its executor to go idle, not "
                 "only for a wait_group)");
}

context::stack slab_stack_allocator::allocate(std::size_t size) {
  SPINDLE_VERIFY(size <= stack_size_,
                 "slab_stack_allocator::allocate: the fiber asks for a bigger stack than the "
                 "allocator's stack_size() (set fiber::options::stack_size to at most that)");
  {
    const core::spinlock_guard hold(lock_);
    if (!idle_.empty()) {
      const slot taken = idle_.back();
      idle_.pop_back();
      taken.owner->lent[taken.index] = true;
      ++in_use_;
      return context::stack::borrowed(taken.owner->memory.usable(taken.index));
    }
  }
  return allocate_from_new_slab();
}

context::stack slab_stack_allocator::allocate_from_new_slab() {
  auto fresh = std::make_unique<slab>(stack_size_, stacks_per_slab_);  // maps: no lock held
  slab* added = fresh.get();
  const core::spinlock_guard hold(lock_);
  // Grow first (geometrically: a slab per stacks_per_slab spawns must not copy every vector
  // each time): if either throws, `fresh` unmaps and nothing has changed.
  if (slabs_.size() == slabs_.capacity()) slabs_.reserve(2 * slabs_.size() + 1);
  const std::size_t stacks = (slabs_.size() + 1) * stacks_per_slab_;
  if (idle_.capacity() < stacks) idle_.reserve(std::max(stacks, 2 * idle_.capacity()));  // SA.CAP1
  // No throw from here on.
  const auto by_address = [](const std::unique_ptr<slab>& s, const std::byte* lowest) {
    return s->memory.usable(0).lowest < lowest;
  };
  const std::byte* lowest = added->memory.usable(0).lowest;
  slabs_.insert(std::lower_bound(slabs_.begin(), slabs_.end(), lowest, by_address),
                std::move(fresh));
  // Stack 0 goes out now; the rest are pushed so that stack 1 is popped next, then 2, ...
  for (std::size_t i = stacks_per_slab_; i-- > 1;) idle_.push_back({added, i});
  added->lent[0] = true;
  ++in_use_;
  return context::stack::borrowed(added->memory.usable(0));
}

slab_stack_allocator::slab* slab_stack_allocator::find_slab(
    const std::byte* lowest) const noexcept {
  // The last slab starting at or below `lowest`, if it holds `lowest`.
  const auto starts_above = [](const std::byte* at, const std::unique_ptr<slab>& s) {
    return at < s->memory.usable(0).lowest;
  };
  const auto after = std::upper_bound(slabs_.begin(), slabs_.end(), lowest, starts_above);
  if (after == slabs_.begin()) return nullptr;
  slab* candidate = std::prev(after)->get();
  return candidate->memory.contains(lowest) ? candidate : nullptr;
}

void slab_stack_allocator::deallocate(context::stack idle) noexcept {
  SPINDLE_VERIFY(!idle.owns_memory() && !idle.is_empty(),
                 "slab_stack_allocator::deallocate: not a stack of this allocator (an owned "
                 "context::stack, or an empty one)");
  const std::byte* lowest = idle.view().lowest;
  slab* owner = nullptr;
  std::size_t index = 0;
  bool lent = false;
  {
    const core::spinlock_guard hold(lock_);  // step 1
    owner = find_slab(lowest);
    if (owner != nullptr) {
      index = owner->memory.index_of(lowest);
      lent = index < owner->memory.count() && owner->lent[index];
    }
  }
  SPINDLE_VERIFY(owner != nullptr && index < owner->memory.count() &&
                     idle.size() == stack_size_,
                 "slab_stack_allocator::deallocate: not a stack of this allocator (a foreign "
                 "stack: give a stack back to the allocator that handed it out)");
  SPINDLE_VERIFY(lent, "slab_stack_allocator::deallocate: the stack was given back twice");
  // Step 2.
  SPINDLE_VERIFY(!owner->memory.overflowed(index),
                 "slab_stack_allocator: stack overflow: a fiber wrote below the end of its stack "
                 "(into the zero page under it; the stack below may be corrupt). Give the fibers "
                 "bigger stacks (slab_stack_options::stack_size), or run them on guarded stacks "
                 "(the default allocator) to fault where the overflow happens");
  const core::spinlock_guard hold(lock_);  // step 3
  owner->lent[index] = false;
  --in_use_;
  idle_.push_back({owner, index});  // SA.CAP1: within capacity, no allocation
}

void slab_stack_allocator::trim() noexcept {
  const core::spinlock_guard hold(lock_);
  // In address order, so that neighbouring idle stacks go back in one call.
  std::sort(idle_.begin(), idle_.end(), [](const slot& a, const slot& b) {
    return a.owner != b.owner ? a.owner->memory.usable(0).lowest < b.owner->memory.usable(0).lowest
                              : a.index < b.index;
  });
  for (std::size_t run = 0; run < idle_.size();) {
    std::size_t end = run + 1;
    while (end < idle_.size() && idle_[end].owner == idle_[run].owner &&
           idle_[end].index == idle_[run].index + (end - run)) {
      ++end;
    }
    idle_[run].owner->memory.discard(idle_[run].index, end - run);
    run = end;
  }
}

slab_stack_allocator::usage slab_stack_allocator::current_usage() const noexcept {
  const core::spinlock_guard hold(lock_);
  return {slabs_.size(), slabs_.size() * stacks_per_slab_, in_use_};
}

}  // namespace spindle::fiber
