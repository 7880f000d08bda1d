#include "world.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <typeinfo>

#include "memory.hpp"
#include "world_internal.hpp"

namespace spindle::sim::detail {


namespace {

// Run numbers are global, so a location tag numbered by any earlier run, of any world, is
// stale in a new one.
std::atomic<std::uint32_t> last_run_id{0};

}  // namespace

using namespace world_internal;

world::world() : exception_slot_(context::exception_state::this_thread_slot()) {}

world::~world() = default;

run_outcome world::run(const run_config& config, const std::function<void()>& body,
                       chooser& chooser) {
  config_ = config;
  chooser_ = &chooser;
  body_ = &body;
  std::uint32_t id = last_run_id.fetch_add(1, std::memory_order_relaxed) + 1;
  if (id == 0) id = last_run_id.fetch_add(1, std::memory_order_relaxed) + 1;  // 0 means "never"
  run_id_ = id;
  threads_used_ = 0;
  next_location_ = 0;
  steps_ = 0;
  next_ticket_ = 0;
  clock_ns_ = kEpochNs;
  std::uint64_t seed = config.random_seed;
  std::uint64_t random_words[4];
  for (auto& word : random_words) word = seed = mix(seed, 0x5851f42d4c957f2dULL);
  random_ = base::xoshiro256::from_state(random_words);
  digest_ = 0x2545f4914f6cdd1dULL;
  prune_requested_ = false;
  has_deferred_failure_ = false;
  outcome_ = run_outcome{};
  choices_.clear();
  trace_.reset(config.keep_full_trace);
  races_.reset();

  thread& main = new_thread(nullptr, nullptr);
  current_ = &main;
  current_world = this;
  running_ = true;
  in_trap_ = false;
  if (config_.detect.memory || config_.faults.allocation_failure) memory::begin_run(*this);
  host_exceptions_ = context::exception_state::exchange(exception_slot_, main.exceptions);
  host_.switch_to(main.context);
  // Back on the host: the run is over (every thread done, a failure, or pruned). Whoever
  // switched here put the host's exception state back.
  running_ = false;
  in_trap_ = true;
  const bool clean_end = outcome_.outcome == sim::outcome::ok && !outcome_.pruned;
  // Per-run statics die with the run, before the leak check (what they own is freed by them),
  // outside the simulation (their destructors run unchecked, as on the host).
  current_world = nullptr;
  for (auto it = statics_.rbegin(); it != statics_.rend(); ++it) {
    it->destroy(it->object);
    ::operator delete(it->object);
  }
  statics_.clear();
  std::string leaks;
  if (config_.detect.memory || config_.faults.allocation_failure) {
    leaks = memory::end_run(clean_end && config_.detect.memory);
  }
  in_trap_ = false;
  if (clean_end && !leaks.empty()) {
    outcome_.outcome = sim::outcome::memory_leak;
    outcome_.message = std::move(leaks);
  }
  outcome_.steps = steps_;
  outcome_.threads = threads_used_;
  outcome_.digest = mix(digest_, static_cast<std::uint64_t>(outcome_.outcome));
  return outcome_;
}

world::thread& world::new_thread(thread_entry entry, void* arg) {
  trap_scope internal{in_trap_};
  if (threads_used_ == threads_.size()) threads_.push_back(std::make_unique<thread>());
  thread& t = *threads_[threads_used_];
  t.id = static_cast<std::uint32_t>(threads_used_++);
  t.state = status::runnable;
  t.blocked_on = waiting_for::nothing;
  t.futex_key = nullptr;
  t.deadline = -1;
  t.timed_out = false;
  t.yielded = false;
  t.detached = false;
  t.joined = false;
  t.joiner = kNoThread;
  t.has_pending = false;
  t.entry = entry;
  t.arg = arg;
  t.exceptions = {};
  t.decisions = 0;
  t.starting = false;
  t.locals.assign(thread_locals_registered.load(std::memory_order_relaxed), nullptr);
  const std::size_t wanted = context::stack::rounded_size(config_.stack_size);
  if (t.stack.is_empty() || t.stack.size() != wanted) t.stack = context::stack(config_.stack_size);
  if (config_.stack_fill != 0) {
    std::memset(t.stack.view().lowest, config_.stack_fill, t.stack.size());
  }
  t.context.setup(t.stack.view(), &world::thread_main, &t);
  return t;
}

void world::thread_main(void* self) noexcept {
  thread& me = *static_cast<thread*>(self);
  world& w = *current_world;
  w.in_trap_ = false;
  try {
    if (me.id == 0) {
      (*w.body_)();
    } else {
      me.entry(me.arg);
    }
  } catch (const std::exception& error) {
    w.in_trap_ = true;  // the report is the simulator's memory, not the program's
    w.fail(sim::outcome::uncaught_exception,
           "uncaught exception in thread T" + std::to_string(me.id) + ": " +
               typeid(error).name() + ": " + error.what());
  } catch (...) {
    w.in_trap_ = true;
    w.fail(sim::outcome::uncaught_exception,
           "uncaught exception (not a std::exception) in thread T" + std::to_string(me.id));
  }
  w.finish_current();
}

// ---- scheduling -------------------------------------------------------------------------------

void world::reschedule() {
  for (;;) {
    thread& me = *current_;
    candidates_.clear();
    const bool me_runnable = me.state == status::runnable;
    const bool me_can_continue = me_runnable && !me.yielded;
    if (me_can_continue) candidates_.push_back({me.id, me.has_pending ? &me.pending : nullptr});
    bool deadline_pending = false;
    std::size_t live = 0;
    for (std::size_t i = 1; i < threads_used_; ++i) {
      thread& t = *threads_[(me.id + i) % threads_used_];
      if (t.state == status::runnable) {
        candidates_.push_back({t.id, t.has_pending ? &t.pending : nullptr});
      }
      if (t.state != status::done) ++live;
      if (t.state == status::blocked && t.deadline >= 0) deadline_pending = true;
    }
    if (me_runnable && me.yielded) candidates_.push_back({me.id, &me.pending});
    if (me.state != status::done) ++live;
    if (me.state == status::blocked && me.deadline >= 0) deadline_pending = true;
    if (deadline_pending && (config_.faults.timeouts || candidates_.empty())) {
      candidates_.push_back({timer_candidate, nullptr});
    }

    if (candidates_.empty()) {
      if (live == 0) {
        // Every thread has finished: the run is complete.
        me.exceptions = context::exception_state::exchange(exception_slot_, host_exceptions_);
        me.context.exit_to(host_);
      }
      report_deadlock();
    }

    std::size_t pick = 0;
    if (candidates_.size() > 1) {
      trap_scope internal{in_trap_};
      pick = decide(choice{choice_kind::thread, candidates_.size(), candidates_, me_can_continue,
                           me.id});
      if (prune_requested_) {
        outcome_.pruned = true;
        me.exceptions = context::exception_state::exchange(exception_slot_, host_exceptions_);
        me.context.switch_to(host_);
        std::abort();  // an abandoned run never resumes
      }
    }
    if (candidates_[pick].thread == timer_candidate) {
      fire_timers();
      continue;
    }
    thread& next = *threads_[candidates_[pick].thread];
    if (&next != current_) switch_to(next);
    return;
  }
}

void world::switch_to(thread& next) {
  thread& me = *current_;
  current_ = &next;
  me.exceptions = context::exception_state::exchange(exception_slot_, next.exceptions);
  if (me.state == status::done) me.context.exit_to(next.context);
  me.context.switch_to(next.context);
  // Resumed: always inside a trap (whoever ran before may have left the flag either way).
  in_trap_ = true;
}

void world::block_current() {
  thread& me = *current_;
  me.state = status::blocked;
  me.has_pending = true;  // `pending` is the waiting step (see describe_block and wake)
  reschedule();
  me.has_pending = false;
  in_trap_ = false;  // back to the program (or to a trap that sets it again)
}

void world::wake(thread& t) {
  t.state = status::runnable;
  t.blocked_on = waiting_for::nothing;
  t.futex_key = nullptr;
  t.deadline = -1;
  // Its pending step stays the wait it is returning from.
}

bool world::fire_timers() {
  std::int64_t earliest = -1;
  for (std::size_t i = 0; i < threads_used_; ++i) {
    const thread& t = *threads_[i];
    if (t.state == status::blocked && t.deadline >= 0 && (earliest < 0 || t.deadline < earliest)) {
      earliest = t.deadline;
    }
  }
  if (earliest < 0) return false;
  clock_ns_ = std::max(clock_ns_, earliest);
  for (std::size_t i = 0; i < threads_used_; ++i) {
    thread& t = *threads_[i];
    if (t.state == status::blocked && t.deadline >= 0 && t.deadline <= clock_ns_) {
      wake(t);
      t.timed_out = true;
    }
  }
  digest_ = mix(digest_, static_cast<std::uint64_t>(clock_ns_));
  return true;
}

void world::finish_current() {
  thread& me = *current_;
  in_trap_ = true;
  if (has_deferred_failure_) fail(sim::outcome::assertion_failed, deferred_failure_);
  ++steps_;
  record(step{operation::thread_exit, nullptr, nullptr, std::memory_order_seq_cst, {}}, 0);
  me.state = status::done;
  if (me.joiner != kNoThread) wake(*threads_[me.joiner]);
  if (me.starting) switch_to(*threads_[me.spawner]);  // it never took a step: back to spawn()
  reschedule();  // never returns: `me` is done, so another thread (or the host) takes over
  std::abort();
}

// ---- steps ------------------------------------------------------------------------------------

void world::before(const step& s) {
  thread& me = *current_;
  in_trap_ = true;
  if (has_deferred_failure_) fail(sim::outcome::assertion_failed, deferred_failure_);
  me.pending = s;
  me.has_pending = true;
  if (me.starting) {
    // The end of the prologue: back to the spawner, which goes on without a decision.
    me.starting = false;
    switch_to(*threads_[me.spawner]);
  } else {
    reschedule();
  }
  // Picked: the step happens now.
  me.has_pending = false;
  if (++steps_ > config_.max_steps) {
    fail(sim::outcome::livelock,
         "livelock: the run took more than " + std::to_string(config_.max_steps) +
             " steps (options::max_steps) under a fair scheduler; the threads keep running "
             "without finishing");
  }
  record(s, 0);
  // A wake uses the address only as a key: waking after the waiter freed the word is allowed
  // (the futex wake rule), so it is not an access.
  const bool is_access = s.op != operation::futex_wake_one && s.op != operation::futex_wake_all &&
                         s.op != operation::futex_prepare_wake;
  if (s.address != nullptr && is_access && config_.detect.memory) {
    std::string block;
    if (memory::freed_block_at(s.address, block)) {
      fail(sim::outcome::use_after_free, std::string("use after free: T") + std::to_string(me.id) +
                                             " " + to_string(s.op) + " at " +
                                             format_location(s.where) + " touches " + block);
    }
  }
  in_trap_ = false;
}

void world::record(const step& s, std::uint64_t value) {
  const std::uint32_t location = location_of(s.tag);
  trace_entry& e = trace_.append();
  e = trace_entry{steps_, current_->id, s.op, s.order, false, location, value, s.where};
  digest_ = mix(digest_, (std::uint64_t{current_->id} << 40) ^
                             (std::uint64_t{static_cast<std::uint8_t>(s.op)} << 32) ^ location);
}

std::uint32_t world::location_of(location_tag* tag) noexcept {
  if (tag == nullptr) return trace_log::no_location;
  if (tag->run != run_id_) {
    tag->run = run_id_;
    tag->index = next_location_++;
  }
  return tag->index;
}

void world::commit(const step& s, const access& a) noexcept {
  trap_scope internal{in_trap_};
  if (trace_entry* e = trace_.last()) {
    e->op = a.op;
    e->order = a.order;
    e->has_value = true;
    e->value = a.value;
  }
  if (!a.value_is_address) digest_ = mix(digest_, a.value);
  if (!config_.detect.data_races) return;
  if (a.op == operation::fence) {
    races_.on_fence(current_->id, a.order);
  } else {
    races_.on_atomic(current_->id, location_of(s.tag), a.op, a.order);
  }
}

std::size_t world::decide(choice c) {
  thread& decider = *current_;
  c.decider = decider.id;
  c.decision = decider.decisions++;
  const std::size_t pick = chooser_->choose(c);
  const std::uint32_t value = c.kind == choice_kind::thread ? c.candidates[pick].thread
                                                            : static_cast<std::uint32_t>(pick);
  choices_.push_back({c.kind, pick == 0, value, c.decider, c.decision});
  digest_ = mix(digest_, value);
  return pick;
}

bool world::fault(choice_kind kind) {
  trap_scope internal{in_trap_};
  return decide(choice{kind, 2, {}, false, current_->id}) == 1;
}

bool world::allocation_fails() {
  return config_.faults.allocation_failure && fault(choice_kind::allocation_failure);
}
bool world::in_current_guard(const void* address) const noexcept {
  if (current_ == nullptr || current_->stack.is_empty()) return false;
  const auto* byte = static_cast<const std::byte*>(address);
  const std::byte* guard = current_->stack.guard_lowest();
  return byte >= guard && byte < guard + context::stack::guard_size();
}

// ---- failures ---------------------------------------------------------------------------------

std::string world::describe_block(const thread& t) const {
  std::string text = "T" + std::to_string(t.id) + " blocked in ";
  switch (t.blocked_on) {
    case waiting_for::futex: text += "futex wait"; break;
    case waiting_for::join: text += "join of T" + std::to_string(t.join_target); break;
    case waiting_for::sleep: text += "sleep"; break;
    case waiting_for::nothing: text += "?"; break;
  }
  // The last step it took is the wait itself (the trap records it before blocking).
  text += " at " + format_location(t.pending.where);
  if (t.blocked_on == waiting_for::futex && t.pending.tag != nullptr && t.pending.tag->run == run_id_) {
    text += " on location #" + std::to_string(t.pending.tag->index);
  }
  return text;
}

void world::report_deadlock() {
  std::string message = "deadlock: every thread is blocked and no timer is pending";
  for (std::size_t i = 0; i < threads_used_; ++i) {
    const thread& t = *threads_[i];
    if (t.state == status::blocked) message += "\n    " + describe_block(t);
  }
  fail(sim::outcome::deadlock, std::move(message));
}

void world::defer_failure(std::string message) {
  trap_scope internal{in_trap_};
  if (has_deferred_failure_) return;  // the first failure is the one to report
  has_deferred_failure_ = true;
  deferred_failure_ = "test failure in thread T" + std::to_string(current_->id) + ": " + message;
}

void world::fail(sim::outcome outcome, std::string message) {
  if (!running_) {
    std::fprintf(stderr, "spindle sim: %s\n", message.c_str());
    std::abort();
  }
  in_trap_ = true;
  outcome_.outcome = outcome;
  outcome_.message = std::move(message);
  outcome_.thread = current_->id;
  thread& me = *current_;
  me.exceptions = context::exception_state::exchange(exception_slot_, host_exceptions_);
  me.context.switch_to(host_);
  std::abort();  // an abandoned thread is never resumed
}

}  // namespace spindle::sim::detail
