// fiber::timer_service: the protocol (steps 1-3) is in timer_service.hpp.
#include <spindle/fiber/timer_service.hpp>

#include <chrono>

#include <spindle/base/config.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/suspend.hpp>
#include <spindle/twist/futex.hpp>

namespace spindle::fiber {

namespace {
constexpr const char* lock_name = "fiber::timer_service heap lock";
}

timer_service::timer_service() : thread_([this] { run(); }) {}

timer_service::~timer_service() { stop(); }

void timer_service::stop() {
  if (!thread_.joinable()) return;
  lock_.lock();
  guarded_.stopped = true;
  lock_.unlock();
  const twist::futex::wake_key key = twist::futex::prepare_wake(wake_word_);
  // release: pairs with the acquire load at the top of the thread's loop.
  wake_word_.fetch_add(1, std::memory_order_release);
  twist::futex::wake_one(key);
  thread_.join();
}

void timer_service::sleep_until(twist::steady_clock::time_point deadline) {
  entry e;
  e.deadline = deadline;
  detail::suspend([this, &e](handle h) {
    e.fiber = h;
    arm(e);  // last touch of `e` (and of this frame)
  });
}

bool timer_service::expire(entry& e) noexcept {
  // The entry is out of the heap (popped, or never inserted): step 4.
  return e.on_expire == nullptr || e.on_expire(e);  // false: `e` is not touched again (TS.TIM1)
}

void timer_service::arm(entry& e) noexcept {
  lock_.lock();
  bool resume = false;
  bool earliest = false;
  handle fiber;
  {
    no_suspend_scope no_suspend(lock_name);
    if (guarded_.stopped) {
      resume = expire(e);
    } else {
      e.child_ = nullptr;
      e.sibling_ = nullptr;
      e.prev_ = nullptr;
      e.armed_ = true;
      guarded_.heap = meld(guarded_.heap, &e);
      earliest = guarded_.heap == &e;
    }
    if (resume) fiber = e.fiber;  // read while `e` surely exists (before lock_ is released)
  }
  lock_.unlock();  // from here the thread may expire `e` and resume its fiber: do not touch it
  if (resume) {
    fiber.resume();
    return;
  }
  if (earliest) {
    const twist::futex::wake_key key = twist::futex::prepare_wake(wake_word_);
    // release: pairs with the acquire load at the top of the thread's loop.
    wake_word_.fetch_add(1, std::memory_order_release);
    twist::futex::wake_one(key);
  }
}

void timer_service::disarm(entry& e) noexcept {
  lock_.lock();
  {
    no_suspend_scope no_suspend(lock_name);
    if (e.armed_) {
      e.armed_ = false;
      if (guarded_.heap == &e) {
        guarded_.heap = pop_min(&e);
      } else {
        // Cut e's subtree out of its parent's child list, then meld what is left of it (its
        // children) back into the heap.
        if (e.prev_->child_ == &e) {
          e.prev_->child_ = e.sibling_;
        } else {
          e.prev_->sibling_ = e.sibling_;
        }
        if (e.sibling_ != nullptr) e.sibling_->prev_ = e.prev_;
        e.sibling_ = nullptr;
        e.prev_ = nullptr;
        guarded_.heap = meld(guarded_.heap, pop_min(&e));
      }
      e.child_ = nullptr;
    }
  }
  lock_.unlock();  // TS.TIM1: the service is done with `e`
}

void timer_service::run() noexcept {
  while (true) {
    // acquire: pairs with the release bumps in arm() / stop().
    const std::uint32_t seen = wake_word_.load(std::memory_order_acquire);
    entry* due = nullptr;  // the entries to resume, chained through `sibling_`
    bool stopped = false;
    bool has_next = false;
    twist::steady_clock::time_point next{};
    const twist::steady_clock::time_point now = twist::steady_clock::now();
    lock_.lock();
    {
      no_suspend_scope no_suspend(lock_name);
      stopped = guarded_.stopped;
      while (guarded_.heap != nullptr && (stopped || guarded_.heap->deadline <= now)) {
        entry* top = guarded_.heap;
        guarded_.heap = pop_min(top);
        top->armed_ = false;
        top->child_ = nullptr;
        if (!expire(*top)) continue;  // its owner resumes it: `top` is not touched again
        top->sibling_ = due;
        due = top;
      }
      if (guarded_.heap != nullptr) {
        has_next = true;
        next = guarded_.heap->deadline;
      }
    }
    lock_.unlock();
    while (due != nullptr) {
      entry* e = due;
      due = e->sibling_;  // before resuming: the fiber frees `e` when it runs
      const handle fiber = e->fiber;
      fiber.resume();
    }
    if (stopped) return;
    if (has_next) {
      twist::futex::wait_for(wake_word_, seen,
                             std::chrono::duration_cast<std::chrono::nanoseconds>(next - now));
    } else {
      twist::futex::wait(wake_word_, seen, std::memory_order_relaxed);
    }
  }
}

timer_service::entry* timer_service::meld(entry* a, entry* b) noexcept {
  // a and b are roots (no prev_, no sibling_); the later one becomes the other's leftmost child.
  if (a == nullptr) return b;
  if (b == nullptr) return a;
  if (b->deadline < a->deadline) {
    entry* t = a;
    a = b;
    b = t;
  }
  b->sibling_ = a->child_;
  if (a->child_ != nullptr) a->child_->prev_ = b;
  b->prev_ = a;
  a->child_ = b;
  return a;
}

timer_service::entry* timer_service::pop_min(entry* root) noexcept {
  // First pass: meld the children in pairs, left to right, stacking the results (the stack
  // is chained through sibling_; meld overwrites a loser's sibling_ and prev_).
  entry* pairs = nullptr;
  entry* child = root->child_;
  while (child != nullptr) {
    entry* a = child;
    entry* b = a->sibling_;
    child = b != nullptr ? b->sibling_ : nullptr;
    a->sibling_ = nullptr;
    a->prev_ = nullptr;
    if (b != nullptr) {
      b->sibling_ = nullptr;
      b->prev_ = nullptr;
    }
    entry* m = meld(a, b);
    m->sibling_ = pairs;
    pairs = m;
  }
  // Second pass: meld the stacked pairs, last pair first.
  entry* result = nullptr;
  while (pairs != nullptr) {
    entry* next = pairs->sibling_;
    pairs->sibling_ = nullptr;
    result = meld(pairs, result);
    pairs = next;
  }
  root->child_ = nullptr;
  return result;
}

void sleep_until(twist::steady_clock::time_point deadline) {
  detail::fiber_block& self = detail::current_to_suspend("fiber::sleep_until()");
  timer_service* timers = self.timers();
  SPINDLE_VERIFY(timers != nullptr,
                 "fiber::sleep_for(): the fiber has no timer service (set options::timers)");
  timers->sleep_until(deadline);
}

void sleep_for(std::chrono::nanoseconds duration) {
  detail::current_to_suspend("fiber::sleep_for()");
  sleep_until(twist::steady_clock::now() + duration);
}

}  // namespace spindle::fiber
