// fiber::chan::select and select_until: the protocol (steps 1-7, CH.SEL1-CH.SEL3) is in select.hpp.
// Everything here reaches a case's source through detail::case_source only (CH.SRC1-CH.SRC4).
#include <spindle/fiber/chan/select.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <utility>
#include <vector>

#include <spindle/base/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/twist/clock.hpp>
#include <spindle/twist/random.hpp>

namespace spindle::fiber::chan::detail {

namespace {

constexpr const char* locks_name = "fiber::chan::select channel locks";

// CH.SEL1: `order` is sorted by source address, so equal sources are adjacent: lock each once.
// Not analysed for lock discipline (nor is unlock_all): a run-time set of locks taken in a loop
// is beyond clang's analysis; CH.SEL1 is the argument.
void lock_all(std::span<select_case*> order) noexcept SPINDLE_NO_THREAD_SAFETY_ANALYSIS {
  const case_source* previous = nullptr;
  for (select_case* c : order) {
    if (c->source != previous) c->source->lock();
    previous = c->source;
  }
}

void unlock_all(std::span<select_case*> order) noexcept SPINDLE_NO_THREAD_SAFETY_ANALYSIS {
  const case_source* previous = nullptr;
  for (select_case* c : order) {
    if (c->source != previous) c->source->unlock();
    previous = c->source;
  }
}

}  // namespace

select_case* collect_cases(std::span<select_case* const> cases, std::span<select_case*> poll,
                           std::size_t& count) noexcept {
  SPINDLE_VERIFY(cases.size() < select_case::kMaxCases(), "fiber::chan::select: too many cases");
  select_case* fallback = nullptr;
  count = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    select_case* c = cases[i];
    SPINDLE_VERIFY(c != nullptr, "fiber::chan::select: a null case pointer");
    c->index = static_cast<std::uint32_t>(i);
    switch (c->what) {
      case select_case::kind::waits:
        poll[count++] = c;
        break;
      case select_case::kind::fallback:
        SPINDLE_VERIFY(fallback == nullptr, "fiber::chan::select takes at most one default case");
        fallback = c;
        break;
      case select_case::kind::off:
        break;  // a nil channel: never ready, never queued
    }
  }
  return fallback;
}

namespace {

// Step 1's orders. Fisher-Yates: each permutation equally likely, so the first ready case in
// `poll` is uniform among the ready ones (step 2).
void shuffle_and_sort(std::span<select_case*> poll, std::span<select_case*> lock_order) {
  for (std::size_t i = poll.size(); i > 1; --i) {
    std::swap(poll[i - 1], poll[twist::random::choice(i)]);
  }
  std::sort(lock_order.begin(), lock_order.end(), [](const select_case* a, const select_case* b) {
    return std::less<const case_source*>{}(a->source, b->source);
  });
}

// Steps 1-4 under every lock: the case that completed at once (its counterpart woken), or
// null — then `self` owns a queued node per case if may_wait() said so (*queued). may_wait
// runs under the locks, only when no case was ready.
template <class MayWait>
select_case* poll_or_enqueue(std::span<select_case*> poll, std::span<select_case*> lock_order,
                             parker& self, MayWait may_wait, bool& queued) {
  select_case* completed = nullptr;
  parker* to_wake = nullptr;
  queued = false;
  lock_all(lock_order);
  {
    no_suspend_scope no_suspend(locks_name);
    // Step 2 (CH.SRC2).
    for (select_case* c : poll) {
      if (c->source->try_complete_locked(c->op, c->node, to_wake)) {
        completed = c;
        break;
      }
    }
    // Step 4 (registration, CH.SRC3), unless step 2 or 3 (or 7's passed deadline) applies.
    if (completed == nullptr && may_wait()) {
      for (select_case* c : poll) {
        c->node.owner = &self;
        c->node.index = c->index;
        c->source->enqueue_locked(c->op, c->node);
      }
      queued = true;
    }
  }
  unlock_all(lock_order);
  if (to_wake != nullptr) to_wake->wake();  // the counterpart step 2 claimed; last touch
  return completed;
}

// Step 6 (CH.SEL2): cancel every other case's node (CH.SRC4: relocks its source).
select_case* cancel_losers(std::span<select_case*> poll, std::uint32_t winner) noexcept {
  select_case* completed = nullptr;
  for (select_case* c : poll) {
    if (c->index == winner) {
      completed = c;
    } else {
      c->source->cancel(c->node);
    }
  }
  SPINDLE_ASSERT(completed != nullptr, "fiber::chan::select woken without a winner");
  return completed;
}

}  // namespace

std::size_t run_select(std::span<select_case*> poll, std::span<select_case*> lock_order,
                       select_case* fallback) {
  if (poll.empty()) {
    SPINDLE_VERIFY(fallback != nullptr,
                   "fiber::chan::select: every case is off (null channel) and there is no "
                   "default case, so it would block forever");
    fallback->finish();
    return fallback->index;
  }
  shuffle_and_sort(poll, lock_order);
  parker self(/*single_case=*/poll.size() == 1);
  bool queued = false;
  select_case* completed =
      poll_or_enqueue(poll, lock_order, self, [fallback] { return fallback == nullptr; }, queued);
  if (completed == nullptr && fallback != nullptr) {
    completed = fallback;  // step 3
  } else if (completed == nullptr) {
    self.park();  // step 5 happens elsewhere
    completed = cancel_losers(poll, self.winner());
  }
  completed->finish();
  return completed->index;
}

std::size_t run_select_until(std::span<select_case*> poll, std::span<select_case*> lock_order,
                             select_case* fallback, twist::steady_clock::time_point deadline) {
  if (poll.empty()) {
    if (fallback != nullptr) {
      fallback->finish();
      return fallback->index;
    }
    // Step 7, every case off: nothing can claim this parker; wait out the deadline.
    check_timed_wait();
    parker alone(sync::timed);
    [[maybe_unused]] const bool woken = alone.park_until(deadline);
    SPINDLE_ASSERT(!woken, "fiber::chan::select_until: a parker nobody could see was woken");
    return kTimedOut;
  }
  shuffle_and_sort(poll, lock_order);
  parker self(sync::timed);  // CH.CLAIM2
  bool queued = false;
  select_case* completed = poll_or_enqueue(
      poll, lock_order, self,
      [fallback, deadline] {
        if (fallback != nullptr) return false;  // step 3: the deadline plays no part
        check_timed_wait();  // whatever the deadline, as for the channel's timed operations
        return twist::steady_clock::now() < deadline;  // step 7: passed -> queue nothing
      },
      queued);
  if (completed == nullptr && fallback != nullptr) {
    completed = fallback;  // step 3
  } else if (completed == nullptr) {
    if (!queued) return kTimedOut;  // step 7: the deadline had passed, nothing was queued
    if (!self.park_until(deadline)) {
      // Step 7, timed out (CH.SEL3): no case completed; cancel every node (CH.SEL2).
      for (select_case* c : poll) c->source->cancel(c->node);
      return kTimedOut;
    }
    completed = cancel_losers(poll, self.winner());
  }
  completed->finish();
  return completed->index;
}

}  // namespace spindle::fiber::chan::detail

namespace spindle::fiber::chan {

namespace {

// The run-time forms: sorts `cases` into the scratch spans, then run(poll, lock_order,
// fallback).
template <class Run>
std::size_t select_in(std::span<select_case* const> cases, std::span<select_case*> poll,
                      std::span<select_case*> lock_order, Run run) {
  SPINDLE_VERIFY(poll.size() >= cases.size() && lock_order.size() >= cases.size(),
                 "fiber::chan::select: the scratch spans are smaller than the case list");
  std::size_t count = 0;
  select_case* fallback = detail::collect_cases(cases, poll, count);
  std::copy_n(poll.begin(), count, lock_order.begin());
  return run(poll.first(count), lock_order.first(count), fallback);
}

// The same with scratch space of its own: on this frame up to kInlineCases cases, else on
// the heap — allocated before any channel is touched, so bad_alloc changes nothing.
template <class Run>
std::size_t select_in(std::span<select_case* const> cases, Run run) {
  if (cases.size() <= kInlineCases) {
    std::array<select_case*, kInlineCases> poll{};
    std::array<select_case*, kInlineCases> lock_order{};
    return select_in(cases, poll, lock_order, run);
  }
  std::vector<select_case*> poll(cases.size());
  std::vector<select_case*> lock_order(cases.size());
  return select_in(cases, poll, lock_order, run);
}

constexpr auto untimed = [](std::span<select_case*> poll, std::span<select_case*> lock_order,
                            select_case* fallback) {
  return detail::run_select(poll, lock_order, fallback);
};

auto timed(twist::steady_clock::time_point deadline) {
  return [deadline](std::span<select_case*> poll, std::span<select_case*> lock_order,
                    select_case* fallback) {
    return detail::run_select_until(poll, lock_order, fallback, deadline);
  };
}

}  // namespace

std::size_t select(std::span<select_case* const> cases, std::span<select_case*> poll,
                   std::span<select_case*> lock_order) {
  return select_in(cases, poll, lock_order, untimed);
}

std::size_t select(std::span<select_case* const> cases) { return select_in(cases, untimed); }

std::size_t select_until(twist::steady_clock::time_point deadline,
                         std::span<select_case* const> cases, std::span<select_case*> poll,
                         std::span<select_case*> lock_order) {
  return select_in(cases, poll, lock_order, timed(deadline));
}

std::size_t select_until(twist::steady_clock::time_point deadline,
                         std::span<select_case* const> cases) {
  return select_in(cases, timed(deadline));
}

}  // namespace spindle::fiber::chan
