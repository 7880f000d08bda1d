// A fiber stack allocator for very many live fibers: stacks carved from big slabs, one
// mapping per slab of many stacks instead of one guarded mapping per stack.
//
// Why: every default stack is a guarded mapping (guard page + usable pages: two kernel
// mappings), and Linux caps a process at vm.max_map_count mappings (65,530 by default), so
// the default allocator stops near 32,700 live fibers (fiber::go throws std::bad_alloc).
// With slabs of 256 stacks, 100,000 fibers take about 800 mappings, a million about 8,000.
//
// The trade-off — why this is an opt-in and not the default: **no guard page per stack.**
// Between two stacks of a slab lies a zero page (context/stack_slab.hpp), not an inaccessible
// one, so a fiber that runs off the end of its stack does not fault at once: it writes into
// the zero page and maybe on into the top of its neighbour's stack — another fiber's frames
// and control block. deallocate() checks the zero page when the fiber has finished and stops
// the program with "slab_stack_allocator: stack overflow" if it was written; until then the
// damage may already have surfaced elsewhere, and a frame that skips the whole page unwritten
// goes unseen. Use it when the number of live fibers needs it, with stacks sized for the
// deepest body plus a margin; keep guarded stacks (the default) for everything else, and run
// the tests with guarded stacks too, where an overflow faults and names its fiber.
//
// Memory: a parked fiber costs the pages its frames touched (one page for small bodies) and
// their page-table entries; the rest of its stack and its zero page are address space only.
// Bookkeeping: a 1-byte flag per stack and a 16-byte free-list slot reserved per stack.
// Freed stacks keep their pages and are reused most recently freed first, so a warm stack
// runs the next fiber and steady-state spawning makes no system call and allocates nothing;
// slabs grow (one mapping and a few allocations per stacks_per_slab stacks) while the number
// of live fibers grows, and stay until the allocator is destroyed. trim() hands the pages of
// every idle stack back to the system, e.g. after a spike.
//
// Thread-safe: allocate() and deallocate() may be called from any threads at once (one
// core::spinlock; its critical sections are a few loads and stores, plus a vector growth when
// a slab is added).
//
//   fiber::slab_stack_allocator stacks({.stack_size = 16 * 1024});
//   fiber::options opts;
//   opts.stacks = &stacks;
//   opts.stack_size = stacks.stack_size();     // at most stacks.stack_size()
//   for (int i = 0; i < 100'000; ++i) fiber::go(pool, body, opts);
//   ...                                          // every fiber has finished and left its stack
//                                                // (e.g. pool.wait_idle()); then destroy it
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <spindle/context/stack.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/fiber/stack_allocator.hpp>

namespace spindle::fiber {

struct slab_stack_options {
  // Usable bytes of every stack, rounded up to whole pages. Fibers using the allocator must
  // ask for at most this much (fiber::options::stack_size; a bigger request is a usage
  // error). Address space per stack: this plus one zero page.
  std::size_t stack_size = context::stack::default_size;
  // Stacks per slab: one mapping (two kernel mappings: the slab and its guard page) for this
  // many stacks. 256 stacks of 64 KiB are 17 MiB of address space per slab; the bigger the
  // slabs, the fewer mappings and the more address space reserved ahead of need.
  std::size_t stacks_per_slab = 256;
};

class slab_stack_allocator final : public stack_allocator {
 public:
  // Maps nothing yet: the first allocate() maps the first slab. Throws std::bad_alloc for a
  // stack or slab size the address space cannot hold.
  explicit slab_stack_allocator(const slab_stack_options& options = {});

  slab_stack_allocator(const slab_stack_allocator&) = delete;
  slab_stack_allocator& operator=(const slab_stack_allocator&) = delete;

  // Unmaps every slab. Every stack must be back: destroying the allocator under a fiber that
  // has not finished (or not yet left its stack — wait for its executor to go idle, not only
  // for a wait_group) stops the program.
  ~slab_stack_allocator();

  // A stack of stack_size() bytes (a borrowed context::stack: its memory is the slab's), the
  // most recently freed one if any is idle, else from a new slab. `size` above stack_size() is
  // a usage error. Throws std::bad_alloc if a new slab cannot be mapped.
  context::stack allocate(std::size_t size) override;

  // Takes back a stack allocate() gave, on any thread, checking its zero page: an overflow
  // stops the program. A stack from elsewhere, or one given back twice, is a usage error.
  void deallocate(context::stack idle) noexcept override;

  // Hands the memory of every idle stack back to the system (their address space stays, and
  // the next fibers on them start from fresh zero pages). Holds the lock meanwhile — about one
  // system call per run of neighbouring idle stacks — so call it when spawning is quiet.
  void trim() noexcept;

  // Usable bytes of every stack (options' stack_size rounded up to whole pages).
  std::size_t stack_size() const noexcept { return stack_size_; }

  struct usage {
    std::size_t slabs = 0;   // mappings made (each stacks_per_slab stacks)
    std::size_t stacks = 0;  // stacks in all slabs
    std::size_t in_use = 0;  // stacks handed out and not yet given back
  };
  // A snapshot (other threads may change it the next moment).
  usage current_usage() const noexcept;

 private:
  struct slab;
  // An idle stack: its slab and its index there.
  struct slot {
    slab* owner;
    std::size_t index;
  };

  // Maps a slab, adds it and takes its first stack (SA.CAP1 below holds again).
  context::stack allocate_from_new_slab();
  // The slab holding the stack whose usable memory starts at `lowest`, or null. Under lock_.
  slab* find_slab(const std::byte* lowest) const noexcept SPINDLE_REQUIRES(lock_);

  const std::size_t stack_size_;
  const std::size_t stacks_per_slab_;

  mutable core::spinlock lock_;
  // SA.CAP1: idle_.capacity() >= the number of stacks in all slabs, so
  // deallocate() never allocates (it is noexcept, and runs on a worker after a fiber ends).
  // ordered by address (find_slab searches it)
  std::vector<std::unique_ptr<slab>> slabs_ SPINDLE_GUARDED_BY(lock_);
  // LIFO: the most recently freed stack on top
  std::vector<slot> idle_ SPINDLE_GUARDED_BY(lock_);
  std::size_t in_use_ SPINDLE_GUARDED_BY(lock_) = 0;
};

}  // namespace spindle::fiber
