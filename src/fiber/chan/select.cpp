// fiber::chan::select: the protocol (steps 1-6, SEL1, SEL2) is in select.hpp.
#include <spindle/fiber/chan/select.hpp>

#include <algorithm>
#include <functional>
#include <utility>

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

std::size_t run_select(std::span<select_case*> poll, std::span<select_case*> lock_order,
                       select_case* fallback) {
  if (poll.empty()) {
    SPINDLE_ASSERT(fallback != nullptr, "fiber::chan::select without cases");
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

  parker self;
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
