// A multi-producer multi-consumer FIFO of intrusive tasks under a futex_mutex: the pools'
// global queue (the compute pool's only queue; the fast pool's injection/overflow queue).
// A relaxed size counter lets consumers skip the lock when it is empty.
#pragma once

#include <cstddef>

#include <spindle/core/intrusive/forward_list.hpp>
#include <spindle/exec/detail/futex_mutex.hpp>
#include <spindle/exec/task.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::exec::detail {

class injection_queue {
 public:
  using list_type = core::intrusive::forward_list<task, task_tag>;

  injection_queue() = default;
  injection_queue(const injection_queue&) = delete;
  injection_queue& operator=(const injection_queue&) = delete;

  void push_back(task& t) noexcept {
    futex_lock lock(mu_);
    guarded_.tasks.push_back(t);
    publish_size();
  }

  void push_front(task& t) noexcept {
    futex_lock lock(mu_);
    guarded_.tasks.push_front(t);
    publish_size();
  }

  // Appends a whole list (in its order); it is left empty.
  void push_back(list_type& batch) noexcept {
    futex_lock lock(mu_);
    guarded_.tasks.splice_back(batch);
    publish_size();
  }

  task* pop_front() noexcept {
    if (empty_hint()) return nullptr;
    futex_lock lock(mu_);
    task* t = guarded_.tasks.pop_front();
    publish_size();
    return t;
  }

  // Moves up to `limit` tasks, oldest first, into `out`; returns how many.
  std::size_t pop_front(list_type& out, std::size_t limit) noexcept {
    if (empty_hint()) return 0;
    futex_lock lock(mu_);
    std::size_t taken = 0;
    while (taken < limit) {
      task* t = guarded_.tasks.pop_front();
      if (t == nullptr) break;
      out.push_back(*t);
      ++taken;
    }
    publish_size();
    return taken;
  }

  // The number of queued tasks at some recent moment. The pools call it after a seq_cst fence
  // (the parking protocol) and take the lock before trusting a non-zero answer.
  std::size_t size_hint() const noexcept {
    // relaxed: a hint; the value is re-read under the lock. Ordering for the parking protocol
    // comes from the callers' seq_cst fences (worker_pool.cpp, WP.PARK3/WP.NOTIFY1).
    return size_.load(std::memory_order_relaxed);
  }
  bool empty_hint() const noexcept { return size_hint() == 0; }

 private:
  void publish_size() noexcept SPINDLE_REQUIRES(mu_) {
    // relaxed: see size_hint(); written under the lock, so writes are in lock order.
    size_.store(guarded_.tasks.size(), std::memory_order_relaxed);
  }

  futex_mutex mu_;
  struct {
    list_type tasks;
  } guarded_ SPINDLE_GUARDED_BY(mu_);
  twist::atomic<std::size_t> size_{0};  // written under mu_, read anywhere
};

}  // namespace spindle::exec::detail
