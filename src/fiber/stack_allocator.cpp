// The default stack allocator: one stack cache per OS thread, backed by one process-wide depot
// of idle stacks (stack_allocator.hpp says why per thread).
//
// Why the depot: fibers migrate, so stacks are taken on one worker and given back on another.
// With per-thread caches alone, one worker's cache runs dry (it maps new stacks) while the
// other's overflows (it unmaps them): skynet spent about 80% of its time in mmap/munmap that
// way (bench/RESULTS.md, Fibers). The depot moves stacks between threads in batches of half a
// cache, one lock acquisition per batch, so the mapping cost is paid only while the number of
// live fibers grows.
#include <spindle/fiber/stack_allocator.hpp>

#include <array>
#include <cstddef>
#include <utility>

#include <spindle/context/stack_pool.hpp>
#include <spindle/core/spinlock.hpp>
#include <spindle/twist/mode.hpp>

namespace spindle::fiber {

namespace {

// A plain C++ thread_local, not a twist one: the cache holds OS memory that belongs to the OS
// thread and must be unmapped when that thread exits (a twist::thread_local_ptr has no
// destructor). In sim builds every simulated thread runs on the one OS thread and shares this
// cache; that is safe because acquire()/release() make no facade call, so no other simulated
// thread can run in the middle of one, and which stack a fiber gets is not observable.
thread_local context::stack_pool cache_of_this_thread;

constexpr std::size_t kBatch = context::stack_pool::max_cached / 2;

// Idle default-size stacks shared by every thread. Bounded: 16384 idle 64 KiB stacks are 1 GiB
// of address space held idle at most, resident only where earlier fibers touched them. Sized
// for bursts like skynet's (about 17,000 fibers live at its peak): with a depot of 1024, every
// run mapped and unmapped some 16,000 stacks, and the kernel's mapping lock serialised the
// workers (no speedup from 2 to 16 workers). Stacks beyond the capacity are unmapped by whoever
// gives them back; release_idle_stacks() gives the whole depot back on request.
class stack_depot {
 public:
  static constexpr std::size_t capacity = 16384;

  // Moves up to kBatch idle stacks into `cache`.
  void refill(context::stack_pool& cache) {
    std::array<context::stack, kBatch> batch;
    std::size_t taken = 0;
    lock_.lock();
    while (taken < kBatch && count_ > 0) batch[taken++] = std::move(idle_[--count_]);
    lock_.unlock();
    for (std::size_t i = 0; i < taken; ++i) cache.release(std::move(batch[i]));
  }

  // Moves kBatch stacks out of a full `cache`; those the depot has no room for are unmapped.
  void spill(context::stack_pool& cache) {
    std::array<context::stack, kBatch> batch;
    for (auto& s : batch) s = cache.acquire();  // the cache is full: no mapping happens here
    lock_.lock();
    for (auto& s : batch) {
      if (count_ == capacity) break;  // the rest unmap when `batch` goes out of scope
      idle_[count_++] = std::move(s);  // moving a stack is two words: nothing can throw
    }
    lock_.unlock();
  }

  // Unmaps every idle stack the depot holds; returns how many.
  std::size_t release_all() noexcept {
    std::size_t released = 0;
    for (;;) {
      std::array<context::stack, kBatch> batch;  // unmapped outside the lock, at scope end
      std::size_t taken = 0;
      lock_.lock();
      while (taken < kBatch && count_ > 0) batch[taken++] = std::move(idle_[--count_]);
      lock_.unlock();
      released += taken;
      if (taken < kBatch) return released;
    }
  }

 private:
  core::spinlock lock_;
  std::size_t count_ SPINDLE_GUARDED_BY(lock_) = 0;
  std::array<context::stack, capacity> idle_ SPINDLE_GUARDED_BY(lock_);  // [0, count_) hold memory
};

stack_depot& depot() {
  static stack_depot instance;  // unmaps what it holds at exit
  return instance;
}

// Sim builds skip the depot: every simulated thread shares one OS thread's cache anyway, and
// the depot's lock would add steps to every spawn and exit of every explored schedule.
constexpr bool kUseDepot = twist::current_mode != twist::mode::simulator;

class thread_cached final : public stack_allocator {
 public:
  context::stack allocate(std::size_t size) override {
    context::stack_pool& cache = cache_of_this_thread;
    if (context::stack::rounded_size(size) != cache.stack_size()) return context::stack(size);
    if (kUseDepot && cache.num_cached() == 0) depot().refill(cache);
    return cache.acquire();  // maps a stack only if the depot had none either
  }

  void deallocate(context::stack idle) noexcept override {
    context::stack_pool& cache = cache_of_this_thread;
    if (idle.size() != cache.stack_size()) return;  // `idle` unmaps here
    if (kUseDepot && cache.num_cached() == context::stack_pool::max_cached) depot().spill(cache);
    cache.release(std::move(idle));
  }
};

}  // namespace

std::size_t release_idle_stacks() noexcept {
  context::stack_pool& cache = cache_of_this_thread;
  std::size_t released = cache.num_cached();
  while (cache.num_cached() > 0) (void)cache.acquire();  // a cached stack: unmapped at once
  if (kUseDepot) released += depot().release_all();
  return released;
}

stack_allocator& thread_cached_stacks() noexcept {
  static thread_cached instance;  // stateless: the state is per thread and in the depot
  return instance;
}

}  // namespace spindle::fiber
