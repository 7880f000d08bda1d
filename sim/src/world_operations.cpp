// The world's operations: futex, threads, time, random, shared cells, thread-locals and per-run
// statics (the steps themselves and scheduling are in world.cpp).
#include <algorithm>
#include <string>
#include <vector>

#include "memory.hpp"
#include "world.hpp"
#include "world_internal.hpp"

namespace spindle::sim::detail {

using namespace world_internal;

std::uint32_t world::futex_wait(const void* word, location_tag* tag, const std::uint32_t* value,
                                std::uint32_t old, std::memory_order order,
                                source_location where) {
  const step s{operation::futex_wait, word, tag, order, where};
  before(s);
  if (*value == old &&
      !(config_.faults.spurious_wakeups && fault(choice_kind::spurious_wakeup))) {
    thread& me = *current_;
    me.blocked_on = waiting_for::futex;
    me.futex_key = word;
    me.wait_ticket = next_ticket_++;
    block_current();
    // Woken. Reading the word again is a step of its own: others may run in between.
    before(step{operation::atomic_load, word, tag, order, where});
  }
  commit(s, access{operation::atomic_load, order, *value, false});
  return *value;
}

bool world::futex_wait_for(const void* word, location_tag* tag, const std::uint32_t* value,
                           std::uint32_t old, std::chrono::nanoseconds timeout,
                           source_location where) {
  before(step{operation::futex_wait_for, word, tag, std::memory_order_relaxed, where});
  if (*value != old) return true;
  if (config_.faults.spurious_wakeups && fault(choice_kind::spurious_wakeup)) return true;
  thread& me = *current_;
  me.blocked_on = waiting_for::futex;
  me.futex_key = word;
  me.wait_ticket = next_ticket_++;
  me.deadline = clock_ns_ + timeout.count();
  me.timed_out = false;
  block_current();
  return !me.timed_out;
}

void world::futex_prepare_wake(const void* word, source_location where) {
  before(step{operation::futex_prepare_wake, word, nullptr, std::memory_order_relaxed, where});
}

void world::futex_wake(const void* word, bool all, source_location where) {
  before(step{all ? operation::futex_wake_all : operation::futex_wake_one, word, nullptr,
              std::memory_order_relaxed, where});
  trap_scope internal{in_trap_};
  // The waiters, longest waiting first.
  thread* waiters[64];
  std::vector<thread*> many;
  std::size_t count = 0;
  for (std::size_t i = 0; i < threads_used_; ++i) {
    thread& t = *threads_[i];
    if (t.state == status::blocked && t.blocked_on == waiting_for::futex && t.futex_key == word) {
      if (count < 64) {
        waiters[count] = &t;
      } else {
        if (many.empty()) many.assign(waiters, waiters + 64);
        many.push_back(&t);
      }
      ++count;
    }
  }
  if (count == 0) return;
  thread** list = count <= 64 ? waiters : many.data();
  std::sort(list, list + count,
            [](const thread* a, const thread* b) { return a->wait_ticket < b->wait_ticket; });
  if (all) {
    for (std::size_t i = 0; i < count; ++i) wake(*list[i]);
    return;
  }
  std::size_t pick = 0;
  if (count > 1 && config_.faults.wake_order) {
    pick = decide(choice{choice_kind::wake_target, count, {}, false, current_->id});
  }
  wake(*list[pick]);
}

thread_handle world::spawn(thread_entry entry, void* arg, source_location where) {
  before(step{operation::thread_spawn, nullptr, nullptr, std::memory_order_seq_cst, where});
  trap_scope internal{in_trap_};
  const std::uint32_t parent = current_->id;
  thread& child = new_thread(entry, arg);
  if (trace_entry* e = trace_.last()) {
    e->has_value = true;
    e->value = child.id;
  }
  if (config_.detect.data_races) races_.on_spawn(parent, child.id);
  child.starting = true;
  child.spawner = parent;
  switch_to(child);  // runs its prologue; back here when it stops before its first step
  in_trap_ = false;
  return thread_handle{run_id_, child.id};
}

void world::join(thread_handle handle, source_location where) {
  in_trap_ = true;  // messages below are the simulator's memory (before() resets the flag)
  if (handle.run != run_id_ || handle.id >= threads_used_) {
    fail(sim::outcome::assertion_failed,
         "join of a twist::thread that does not belong to this run, at " + format_location(where));
  }
  before(step{operation::thread_join, nullptr, nullptr, std::memory_order_seq_cst, where});
  thread& me = *current_;
  thread& target = *threads_[handle.id];
  if (target.id == me.id) {
    in_trap_ = true;
    fail(sim::outcome::assertion_failed,
         "thread T" + std::to_string(me.id) + " joins itself at " + format_location(where));
  }
  if (target.state != status::done) {
    me.blocked_on = waiting_for::join;
    me.join_target = target.id;
    target.joiner = me.id;
    block_current();
  }
  target.joined = true;
  trap_scope internal{in_trap_};
  if (config_.detect.data_races) races_.on_join(me.id, target.id);
}

void world::detach(thread_handle handle) noexcept {
  if (handle.run == run_id_ && handle.id < threads_used_) threads_[handle.id]->detached = true;
}

void world::yield(operation op, source_location where) {
  current_->yielded = true;
  before(step{op, nullptr, nullptr, std::memory_order_seq_cst, where});
  current_->yielded = false;
}

void world::sleep_for(std::chrono::nanoseconds duration, source_location where) {
  before(step{operation::sleep, nullptr, nullptr, std::memory_order_seq_cst, where});
  if (duration.count() <= 0) return;
  thread& me = *current_;
  me.blocked_on = waiting_for::sleep;
  me.deadline = clock_ns_ + duration.count();
  block_current();
}

std::int64_t world::now(source_location where) {
  before(step{operation::clock_read, nullptr, nullptr, std::memory_order_seq_cst, where});
  if (trace_entry* e = trace_.last()) {
    e->has_value = true;
    e->value = static_cast<std::uint64_t>(clock_ns_);
  }
  return clock_ns_;
}

std::uint64_t world::random_u64(source_location where) {
  before(step{operation::random, nullptr, nullptr, std::memory_order_seq_cst, where});
  const std::uint64_t result = random_.next();
  if (trace_entry* e = trace_.last()) {
    e->has_value = true;
    e->value = result;
  }
  digest_ = mix(digest_, result);
  return result;
}

void world::shared_access(const void* address, location_tag* tag, bool write,
                          const source_location& where) {
  trap_scope internal{in_trap_};
  const std::uint32_t location = location_of(tag);
  trace_entry& e = trace_.append();
  e = trace_entry{steps_, current_->id, write ? operation::shared_write : operation::shared_read,
                  std::memory_order_relaxed, false, location, 0, where};
  if (config_.detect.memory) {
    std::string block;
    if (memory::freed_block_at(address, block)) {
      fail(sim::outcome::use_after_free, std::string("use after free: T") +
                                             std::to_string(current_->id) +
                                             (write ? " writes" : " reads") + " a shared cell at " +
                                             format_location(where) + " in " + block);
    }
  }
  if (!config_.detect.data_races) return;
  race_report race;
  if (races_.on_plain(current_->id, location, write, where, steps_, race)) {
    const auto side = [&](std::uint32_t t, bool w, const source_location& at, std::uint64_t st) {
      return std::string(w ? "write" : "read") + " by T" + std::to_string(t) + " at " +
             format_location(at) + " (step " + std::to_string(st) + ")";
    };
    fail(sim::outcome::data_race,
         "data race on shared cell #" + std::to_string(race.location) + ":\n    " +
             side(race.first_thread, race.first_is_write, race.first_where, race.first_step) +
             "\n    " +
             side(race.second_thread, race.second_is_write, race.second_where, race.second_step) +
             "\n  are not ordered by happens-before. Edges come only from the declared memory "
             "orders (release/acquire pairs, fences, spawn, join): a relaxed access publishes "
             "nothing, even though the simulator interleaves steps one at a time.");
  }
}

void*& world::thread_local_slot(std::size_t index) noexcept {
  thread& me = *current_;
  if (index >= me.locals.size()) {
    trap_scope internal{in_trap_};
    me.locals.resize(index + 1, nullptr);
  }
  return me.locals[index];
}

void* world::run_static(const void* key, std::size_t size, void (*construct)(void*),
                        void (*destroy)(void*)) {
  for (const run_static_object& existing : statics_) {
    if (existing.key == key) return existing.object;
  }
  void* object = nullptr;
  {
    trap_scope internal{in_trap_};
    object = ::operator new(size);
    statics_.reserve(statics_.size() + 1);
  }
  construct(object);
  statics_.push_back({key, object, destroy});
  return object;
}

}  // namespace spindle::sim::detail
