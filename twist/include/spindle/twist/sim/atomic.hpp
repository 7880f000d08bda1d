// sim backend of twist/atomic.hpp: every operation is a step of the simulation. The scheduler
// may switch to another simulated thread before it (sim::trap::before); the operation then
// runs as one indivisible action; and sim::trap::commit records what it did (kind, location,
// memory order, value) for the trace and the race detector, which takes happens-before edges
// from the declared memory orders. compare_exchange_weak also fails spuriously when the
// scheduler chooses it (a fault the exploration covers like an interleaving).
//
//   twist::atomic<int> count{0};
//   count.fetch_add(1, std::memory_order_relaxed);  // relaxed: a statistic, read after join()
//
// Outside a simulation the operations run directly, unchecked (static initialisation).
#pragma once

#include <atomic>
#include <cstddef>
#include <type_traits>

#include <spindle/sim/trap.hpp>
#include <spindle/twist/detail/atomic_base.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

namespace sim_backend {
struct futex_access;

}  // namespace sim_backend

template <class T>
class atomic : public detail::atomic_base<atomic<T>, T> {
  using common = detail::atomic_base<atomic<T>, T>;
  using location = source_location;
  using operation = sim::trap::operation;
  using difference = typename detail::difference_of<T>::type;
  using common::kHasAdd;
  using common::kHasBitwise;

 public:
  using common::compare_exchange_strong;
  using common::compare_exchange_weak;
  using common::operator=;


  constexpr atomic() noexcept(std::is_nothrow_default_constructible_v<T>) : value_() {}
  constexpr atomic(T desired) noexcept : value_(desired) {}

  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  bool is_lock_free() const noexcept { return common::is_always_lock_free; }

  T load(std::memory_order order = std::memory_order_seq_cst,
         location where = location::current()) const noexcept {
    return run(operation::atomic_load, order, where, [&] { return value_; });
  }

  void store(T desired, std::memory_order order = std::memory_order_seq_cst,
             location where = location::current()) noexcept {
    run(operation::atomic_store, order, where, [&] {
      value_ = desired;
      return desired;
    });
  }

  T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
             location where = location::current()) noexcept {
    return rmw(order, where, [&](T) { return desired; });
  }

  // Like std, plus spurious failure when the scheduler chooses it.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure,
                             location where = location::current()) noexcept {
    return compare_exchange(expected, desired, success, failure, /*weak=*/true, where);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure,
                               location where = location::current()) noexcept {
    return compare_exchange(expected, desired, success, failure, /*weak=*/false, where);
  }

  T fetch_add(difference arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasAdd
  {
    return rmw(order, where, [&](T old) { return detail::wrapping_plus(old, arg); });
  }
  T fetch_sub(difference arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasAdd
  {
    return rmw(order, where, [&](T old) { return detail::wrapping_minus(old, arg); });
  }
  T fetch_and(T arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasBitwise
  {
    return rmw(order, where, [&](T old) { return static_cast<T>(old & arg); });
  }
  T fetch_or(T arg, std::memory_order order = std::memory_order_seq_cst,
             location where = location::current()) noexcept
    requires kHasBitwise
  {
    return rmw(order, where, [&](T old) { return static_cast<T>(old | arg); });
  }
  T fetch_xor(T arg, std::memory_order order = std::memory_order_seq_cst,
              location where = location::current()) noexcept
    requires kHasBitwise
  {
    return rmw(order, where, [&](T old) { return static_cast<T>(old ^ arg); });
  }

 private:
  friend struct sim_backend::futex_access;

  sim::trap::step make_step(operation op, std::memory_order order,
                              const location& where) const noexcept {
    return sim::trap::step{op, &value_, &tag_, order, where};
  }

  // The one path of every access: step (maybe a switch), the operation, commit.
  template <class Perform>
  T run(operation op, std::memory_order order, const location& where,
        Perform perform) const noexcept {
    if (!sim::trap::in_simulation()) return perform();
    const sim::trap::step step = make_step(op, order, where);
    sim::trap::before(step);
    const T seen = perform();
    sim::trap::commit(step, {op, order, sim::trap::value_bits(seen), std::is_pointer_v<T>});
    return seen;
  }

  template <class Next>
  T rmw(std::memory_order order, const location& where, Next next) noexcept {
    return run(operation::atomic_rmw, order, where, [&] {
      const T old = value_;
      value_ = next(old);
      return old;
    });
  }

  bool compare_exchange(T& expected, T desired, std::memory_order success,
                        std::memory_order failure, bool weak, const location& where) noexcept {
    if (!sim::trap::in_simulation()) {
      if (value_ == expected) {
        value_ = desired;
        return true;
      }
      expected = value_;
      return false;
    }
    const sim::trap::step step = make_step(operation::atomic_rmw, success, where);
    sim::trap::before(step);
    // The spurious failure is decided after the switch, at the access itself.
    const bool spurious = weak && sim::trap::spurious_cas_failure(where);
    if (!spurious && value_ == expected) {
      value_ = desired;
      // Like every read-modify-write, the trace shows the value read (== expected).
      sim::trap::commit(step, {operation::atomic_rmw, success, sim::trap::value_bits(expected),
                                 std::is_pointer_v<T>});
      return true;
    }
    expected = value_;
    sim::trap::commit(step, {operation::atomic_cas_failed, failure,
                               sim::trap::value_bits(expected), std::is_pointer_v<T>});
    return false;
  }

  // Plain storage: every simulated thread runs on one OS thread, and the scheduler switches
  // only between steps, so each operation is indivisible without hardware atomics.
  mutable T value_;
  mutable sim::trap::location_tag tag_;
};

// A fence: a step, and happens-before edges for the race detector.
inline void atomic_thread_fence(std::memory_order order,
                                source_location where = source_location::current()) noexcept {
  if (!sim::trap::in_simulation()) return;
  const sim::trap::step step{sim::trap::operation::fence, nullptr, nullptr, order, where};
  sim::trap::before(step);
  sim::trap::commit(step, {sim::trap::operation::fence, order, 0, false});
}

namespace sim_backend {

// What twist::futex needs from the word: its value and its location tag.
struct futex_access {
  template <class T>
  static const T* value(const atomic<T>& word) noexcept {
    return &word.value_;
  }
  template <class T>
  static sim::trap::location_tag* tag(const atomic<T>& word) noexcept {
    return &word.tag_;
  }
};

}  // namespace sim_backend

}  // namespace spindle::twist

#include <spindle/twist/detail/atomic_flag.hpp>
