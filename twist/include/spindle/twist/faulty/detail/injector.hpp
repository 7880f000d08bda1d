// The per-thread fault injector behind every faulty-mode facade operation (internal).
//
// Each thread owns one injector: a xoshiro256** generator seeded from the global seed and the
// thread's creation index (twist::thread numbers the threads it creates; other threads, main
// included, are numbered in the order they first reach the injector, in a separate sequence).
// Every injection point and every decision draws only from the calling thread's generator, so
// a thread's fault sequence depends on the seed, the settings and that thread's own sequence of
// operations — never on timing.
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/twist/faulty/fault_observer.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist::faulty::detail {

// One injection point: sometimes yields, rarely sleeps briefly.
void inject(source_location where) noexcept;

// Injects if the placement says "before" (or "both"); returns whether it says "after".
bool inject_before_operation(source_location where) noexcept;

// Decides whether an operation that may fail or wake spuriously does so now (and reports it
// as a fault of `kind` when it does).
bool spurious(fault_kind kind, source_location where) noexcept;

// Decides whether a wake_one should wake every waiter instead.
bool wake_all_instead_of_one(source_location where) noexcept;

// A random index in [0, choices), choices > 0, reported as a random_waiter fault.
std::size_t choose_waiter(std::size_t choices, source_location where) noexcept;

// The next 64 bits of the calling thread's user-visible random stream (twist::random); a stream
// of its own, so test code drawing random numbers does not shift the fault sequence.
std::uint64_t next_random_u64() noexcept;

// Creation index for a new twist::thread, taken by the creating thread.
std::uint64_t next_thread_index() noexcept;

// Called first thing on a new twist::thread: seeds its injector from `index` (and pins it to
// the chosen core under SPINDLE_FAULTY_ONE_CORE).
void enter_thread(std::uint64_t index) noexcept;

// Injects around one facade operation, as the placement says: before it in the constructor,
// after it in the destructor.
//
//   T load(std::memory_order order, source_location where) const noexcept {
//     detail::operation_scope scope{where};
//     return impl_.load(order);
//   }
class operation_scope {
 public:
  explicit operation_scope(source_location where) noexcept
      : where_(where), inject_after_(inject_before_operation(where)) {}
  ~operation_scope() {
    if (inject_after_) inject(where_);
  }

  operation_scope(const operation_scope&) = delete;
  operation_scope& operator=(const operation_scope&) = delete;

 private:
  source_location where_;
  bool inject_after_;
};

}  // namespace spindle::twist::faulty::detail
