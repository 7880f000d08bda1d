// The default stack allocator: one stack cache per OS thread (stack_allocator.hpp says why).
#include <spindle/fiber/stack_allocator.hpp>

#include <utility>

#include <spindle/context/stack_pool.hpp>

namespace spindle::fiber {

namespace {

// A plain C++ thread_local, not a twist one: the cache holds OS memory that belongs to the OS
// thread and must be unmapped when that thread exits (a twist::thread_local_ptr has no
// destructor). In sim builds every simulated thread runs on the one OS thread and shares this
// cache; that is safe because acquire()/release() make no facade call, so no other simulated
// thread can run in the middle of one, and which stack a fiber gets is not observable.
thread_local context::stack_pool cache_of_this_thread;

class thread_cached final : public stack_allocator {
 public:
  context::stack allocate(std::size_t size) override {
    if (context::stack::rounded_size(size) == cache_of_this_thread.stack_size()) return cache_of_this_thread.acquire();
    return context::stack(size);
  }

  void deallocate(context::stack idle) noexcept override {
    if (idle.size() == cache_of_this_thread.stack_size()) {
      cache_of_this_thread.release(std::move(idle));
    }
    // else: `idle` unmaps here.
  }
};

}  // namespace

stack_allocator& thread_cached_stacks() noexcept {
  static thread_cached instance;  // stateless: the state is per thread
  return instance;
}

}  // namespace spindle::fiber
