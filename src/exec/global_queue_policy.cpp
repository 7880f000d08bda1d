#include <spindle/exec/global_queue_policy.hpp>

namespace spindle::exec {

global_queue_policy::global_queue_policy(global_queue_kind kind, std::size_t lock_free_capacity)
    : kind_(kind) {
  if (kind_ == global_queue_kind::lock_free) {
    ring_ = std::make_unique<detail::bounded_mpmc_queue>(lock_free_capacity);
  }
}

bool global_queue_policy::push(task& t, hint h, std::size_t) noexcept {
  if (kind_ == global_queue_kind::lock_free) {
    if (!ring_->try_push(t)) list_.push_back(t);  // full: spill over
  } else if (h == hint::next) {
    list_.push_front(t);
  } else {
    list_.push_back(t);
  }
  return true;  // any worker can take it
}

task* global_queue_policy::pop(std::size_t) noexcept {
  if (kind_ == global_queue_kind::lock_free) {
    if (task* t = ring_->try_pop()) return t;
  }
  return list_.pop_front();
}

bool global_queue_policy::has_work() const noexcept {
  if (!list_.empty_hint()) return true;
  return kind_ == global_queue_kind::lock_free && !ring_->empty_hint();
}

}  // namespace spindle::exec
