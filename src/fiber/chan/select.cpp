// fiber::chan::select: the protocol (steps 1-6, SEL1, SEL2) is in select.hpp.
#include <spindle/fiber/chan/select.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <utility>
#include <vector>

#include <spindle/config.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/twist/random.hpp>

namespace spindle::fiber::chan::detail {

namespace {

constexpr const char* locks_name = "fiber::chan::select channel locks";

// SEL1: `order` is sorted by channel address, so equal channels are adjacent: lock each once.
void lock_all(std::span<select_case*> order) noexcept {
  const channel_base* previous = nullptr;
  for (select_case* c : order) {
    if (c->target != previous) c->target->lock();
    previous = c->target;
  }
}

void unlock_all(std::span<select_case*> order) noexcept {
  const channel_base* previous = nullptr;
  for (select_case* c : order) {
    if (c->target != previous) c->target->unlock();
    previous = c->target;
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
      case select_case::kind::channel:
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

std::size_t run_select(std::span<select_case*> poll, std::span<select_case*> lock_order,
                       select_case* fallback) {
  if (poll.empty()) {
    SPINDLE_VERIFY(fallback != nullptr,
                   "fiber::chan::select: every case is off (null channel) and there is no "
                   "default case, so it would block forever");
    fallback->finish();
    return fallback->index;
  }

  // Step 1. Fisher-Yates: each permutation equally likely, so the first ready case in this
  // order is uniform among the ready ones (step 2).
  for (std::size_t i = poll.size(); i > 1; --i) {
    std::swap(poll[i - 1], poll[twist::random::choice(i)]);
  }
  std::sort(lock_order.begin(), lock_order.end(), [](const select_case* a, const select_case* b) {
    return std::less<const channel_base*>{}(a->target, b->target);
  });

  parker self(/*single_case=*/poll.size() == 1);
  select_case* completed = nullptr;
  parker* to_wake = nullptr;
  lock_all(lock_order);
  {
    no_suspend_scope no_suspend(locks_name);
    // Step 2.
    for (select_case* c : poll) {
      if (c->try_complete(to_wake)) {
        completed = c;
        break;
      }
    }
    // Step 4 (registration), unless step 2 or 3 applies.
    if (completed == nullptr && fallback == nullptr) {
      for (select_case* c : poll) c->enqueue(self);
    }
  }
  unlock_all(lock_order);
  if (to_wake != nullptr) to_wake->wake();  // the counterpart step 2 claimed; last touch

  if (completed == nullptr && fallback != nullptr) {
    completed = fallback;  // step 3
  } else if (completed == nullptr) {
    self.park();  // step 5 happens elsewhere
    // Step 6 (SEL2): relock every other case's channel; drop our node if still queued.
    const std::uint32_t winner = self.winner();
    for (select_case* c : poll) {
      if (c->index == winner) {
        completed = c;
      } else {
        c->target->unlink(c->node);
      }
    }
    SPINDLE_ASSERT(completed != nullptr, "fiber::chan::select woken without a winner");
  }
  completed->finish();
  return completed->index;
}

}  // namespace spindle::fiber::chan::detail

namespace spindle::fiber::chan {

std::size_t select(std::span<select_case* const> cases, std::span<select_case*> poll,
                   std::span<select_case*> lock_order) {
  SPINDLE_VERIFY(poll.size() >= cases.size() && lock_order.size() >= cases.size(),
                 "fiber::chan::select: the scratch spans are smaller than the case list");
  std::size_t count = 0;
  select_case* fallback = detail::collect_cases(cases, poll, count);
  std::copy_n(poll.begin(), count, lock_order.begin());
  return detail::run_select(poll.first(count), lock_order.first(count), fallback);
}

std::size_t select(std::span<select_case* const> cases) {
  if (cases.size() <= kInlineCases) {
    std::array<select_case*, kInlineCases> poll{};
    std::array<select_case*, kInlineCases> lock_order{};
    return select(cases, poll, lock_order);
  }
  // The managed path: allocated before any channel is touched, so bad_alloc changes nothing.
  std::vector<select_case*> poll(cases.size());
  std::vector<select_case*> lock_order(cases.size());
  return select(cases, poll, lock_order);
}

}  // namespace spindle::fiber::chan
