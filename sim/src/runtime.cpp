// The traps of spindle/sim/trap.hpp: the facade's sim backend calls these; each forwards to
// the world of the running simulation.
#include <spindle/sim/trap.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "trace.hpp"
#include "world.hpp"
#include "world_internal.hpp"

namespace spindle::sim::trap {

using namespace detail;
using namespace detail::world_internal;

thread_local world* current_world = nullptr;

void before(const step& s) { active_world().before(s); }
void commit(const step& s, const access& a) noexcept { active_world().commit(s, a); }
bool spurious_cas_failure(const source_location&) {
  world& w = active_world();
  return w.config().faults.spurious_cas && w.fault(choice_kind::spurious_cas);
}
bool spurious_try_lock_failure(const source_location& where) { return spurious_cas_failure(where); }
std::uint32_t futex_wait(const void* word, location_tag* tag, const std::uint32_t* value,
                         std::uint32_t old, std::memory_order order, source_location where) {
  return active_world().futex_wait(word, tag, value, old, order, where);
}
bool futex_wait_for(const void* word, location_tag* tag, const std::uint32_t* value,
                    std::uint32_t old, std::chrono::nanoseconds timeout, source_location where) {
  return active_world().futex_wait_for(word, tag, value, old, timeout, where);
}
void futex_prepare_wake(const void* word, source_location where) {
  active_world().futex_prepare_wake(word, where);
}
void futex_wake(const void* word, bool all, source_location where) {
  active_world().futex_wake(word, all, where);
}
thread_handle spawn(thread_entry entry, void* arg, source_location where) {
  if (!in_simulation()) {
    std::fprintf(stderr,
                 "spindle sim: a twist::thread was started outside a simulation; in sim builds "
                 "threads run only inside sim::explore (at %s)\n",
                 format_location(where).c_str());
    std::abort();
  }
  return active_world().spawn(entry, arg, where);
}
void join(thread_handle thread, source_location where) { active_world().join(thread, where); }
void detach(thread_handle thread) noexcept { active_world().detach(thread); }
std::uint32_t current_thread_id() noexcept {
  return in_simulation() ? active_world().current_thread_id() : 0;
}
void yield(operation op, source_location where) { active_world().yield(op, where); }
void sleep_for(std::chrono::nanoseconds duration, source_location where) {
  if (!in_simulation()) return;
  active_world().sleep_for(duration, where);
}
std::int64_t now(source_location where) {
  return in_simulation() ? active_world().now(where) : kEpochNs;
}
std::uint64_t random_u64(source_location where) {
  if (in_simulation()) return active_world().random_u64(where);
  static std::uint64_t outside = 0x9e3779b97f4a7c15ULL;
  return outside = mix(outside, 1);
}
void shared_access(const void* address, location_tag* tag, bool write,
                   const source_location& where) {
  active_world().shared_access(address, tag, write, where);
}
void*& thread_local_slot(std::size_t slot_index) noexcept {
  return active_world().thread_local_slot(slot_index);
}
std::size_t register_thread_local() noexcept {
  return thread_locals_registered.fetch_add(1, std::memory_order_relaxed);
}
void* run_static(const void* key, std::size_t size, void (*construct)(void*),
                 void (*destroy)(void*)) {
  return active_world().run_static(key, size, construct, destroy);
}
void fail_assertion(const char* message) {
  if (!in_simulation()) {
    std::fprintf(stderr, "spindle: %s\n", message);
    std::abort();
  }
  world& w = active_world();
  w.enter_trap();  // the report is the simulator's memory, not the program's
  w.fail(sim::outcome::assertion_failed,
         std::string("assertion failed in thread T") + std::to_string(w.current_thread_id()) +
             ": " + message);
}

void report_failure(const char* message) {
  if (in_simulation()) active_world().defer_failure(message);
}

}  // namespace spindle::sim::trap
