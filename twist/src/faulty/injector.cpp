// The per-thread fault injector (see include/spindle/twist/faulty/detail/injector.hpp).
//
// Seeding: a thread is identified by a key — its twist::thread creation index, or, for a
// thread twist did not create (main, a std::thread), kForeignThread | the order in which such
// threads first reached the injector. Each of its streams (faults, user random numbers) is a
// xoshiro256** generator seeded with mix64(seed + mix64(key ^ stream tag)); the finalizer
// decorrelates neighbouring keys, which plain xoshiro seeding (splitmix64 steps) would not.
#include <spindle/twist/faulty/detail/injector.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include <spindle/base/xoshiro256.hpp>
#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/faulty/fault_observer.hpp>

#include "runtime.hpp"

namespace spindle::twist::faulty {
namespace detail {
namespace {

constexpr std::uint64_t kForeignThread = std::uint64_t{1} << 63;
constexpr std::uint64_t kFaultStream = std::uint64_t{0x1} << 56;
constexpr std::uint64_t kRandomStream = std::uint64_t{0x2} << 56;

std::uint64_t stream_seed(std::uint64_t global, std::uint64_t key, std::uint64_t stream) noexcept {
  return base::mix64(global + base::mix64(key ^ stream));
}

// Everything the injector keeps per thread; touched only by its own thread.
struct thread_state {
  bool started = false;
  bool observing = false;  // inside the observer: injection is suspended
  std::uint64_t key = 0;
  std::uint64_t step = 0;  // injection points and decisions so far
  base::xoshiro256 faults{0};
  base::xoshiro256 user_random{0};
  fault_observer* observer = nullptr;
};

thread_local thread_state this_thread_state;

// relaxed: these only hand out unique numbers; nothing is published through them.
std::atomic<std::uint64_t> next_twist_thread{0};
std::atomic<std::uint64_t> next_foreign_thread{0};

void restart(thread_state& state) noexcept {
  const std::uint64_t global = seed();
  state.faults = base::xoshiro256{stream_seed(global, state.key, kFaultStream)};
  state.user_random = base::xoshiro256{stream_seed(global, state.key, kRandomStream)};
  state.step = 0;
  state.started = true;
}

thread_state& self() noexcept {
  thread_state& state = this_thread_state;
  if (!state.started) {
    state.key = kForeignThread | next_foreign_thread.fetch_add(1, std::memory_order_relaxed);
    restart(state);
  }
  return state;
}

bool fires(base::xoshiro256& generator, std::uint32_t one_in) noexcept {
  return one_in != 0 && generator.below(one_in) == 0;
}

void report(thread_state& state, const fault_event& event) noexcept {
  if (state.observer == nullptr) return;
  state.observing = true;
  state.observer->on_fault(event);
  state.observing = false;
}

// One decision that fires with probability 1/one_in, reported as `kind`.
bool decide(fault_kind kind, std::uint32_t one_in, source_location where) noexcept {
  thread_state& state = self();
  if (state.observing) return false;
  const std::uint64_t step = state.step++;
  if (!fires(state.faults, one_in)) return false;
  report(state, fault_event{kind, step, 0, 0, where});
  return true;
}

}  // namespace

void inject(source_location where) noexcept {
  thread_state& state = self();
  if (state.observing) return;
  const config_state& settings = config();
  const std::uint64_t step = state.step++;
  if (fires(state.faults, settings.sleep_one_in.load(std::memory_order_relaxed))) {
    const std::uint32_t max_us = settings.max_sleep_us.load(std::memory_order_relaxed);
    const std::uint64_t micros = 1 + (max_us > 1 ? state.faults.below(max_us) : 0);
    report(state, fault_event{fault_kind::sleep, step, micros, 0, where});
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(micros)));
  } else if (fires(state.faults, settings.yield_one_in.load(std::memory_order_relaxed))) {
    report(state, fault_event{fault_kind::yield, step, 0, 0, where});
    std::this_thread::yield();
  }
}

bool inject_before_operation(source_location where) noexcept {
  const placement at = config().where.load(std::memory_order_relaxed);
  if (at != placement::after) inject(where);
  return at != placement::before;
}

bool spurious(fault_kind kind, source_location where) noexcept {
  return decide(kind, one_in(current_rates(), kind), where);
}

bool wake_all_instead_of_one(source_location where) noexcept {
  constexpr fault_kind kind = fault_kind::wake_all_instead_of_one;
  return decide(kind, one_in(current_rates(), kind), where);
}

std::size_t choose_waiter(std::size_t choices, source_location where) noexcept {
  thread_state& state = self();
  if (state.observing || choices <= 1) return 0;
  const std::uint64_t step = state.step++;
  const std::uint64_t chosen = state.faults.below(choices);
  report(state, fault_event{fault_kind::random_waiter, step, chosen, choices, where});
  return static_cast<std::size_t>(chosen);
}

std::uint64_t next_random_u64() noexcept { return self().user_random.next(); }

std::uint64_t next_thread_index() noexcept {
  return next_twist_thread.fetch_add(1, std::memory_order_relaxed);
}

void enter_thread(std::uint64_t index) noexcept {
  thread_state& state = this_thread_state;
  state.key = index;
  restart(state);
  pin_this_thread_if_one_core();
}

}  // namespace detail

void set_seed(std::uint64_t new_seed) noexcept {
  detail::config().seed.store(new_seed, std::memory_order_relaxed);
  detail::restart(detail::self());
}

fault_observer* set_fault_observer(fault_observer* observer) noexcept {
  detail::thread_state& state = detail::this_thread_state;
  fault_observer* previous = state.observer;
  state.observer = observer;
  return previous;
}

}  // namespace spindle::twist::faulty
