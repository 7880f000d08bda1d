#include <spindle/exec/work_stealing_policy.hpp>

#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/twist/random.hpp>

namespace spindle::exec {

// One worker's queues. `deque` and `fifo` are shared with thieves (work_stealing_deque.hpp,
// local_queue.hpp); the rest is touched only by the owner worker.
struct alignas(64) work_stealing_policy::worker_queues {
  detail::work_stealing_deque deque;  // any / next spawns pushed out of the LIFO slot
  detail::local_queue fifo;           // yields, and shares taken from the injection queue
  task* lifo = nullptr;               // owner only (WS.SLOT1)
  std::uint32_t ticks = 0;            // owner only: pops, modulo kOwnDequeInterval (WS.FAIR1)
};

work_stealing_policy::work_stealing_policy(std::size_t workers)
    : num_workers_(workers), workers_(new worker_queues[workers]) {
  SPINDLE_VERIFY(workers > 0, "a pool needs at least one worker");
}

work_stealing_policy::~work_stealing_policy() = default;

bool work_stealing_policy::push(task& t, hint h, std::size_t worker) noexcept {
  if (worker == not_a_worker) {
    injection_.push_back(t);
    return true;
  }
  worker_queues& self = workers_[worker];
  if (h == hint::any || h == hint::next) {
    task* previous = std::exchange(self.lifo, &t);
    if (previous == nullptr) return false;  // SP.POL1: only this worker looks at its LIFO slot
    self.deque.push(*previous, injection_);
    return true;
  }
  self.fifo.push_back(t, injection_);
  return true;
}

task* work_stealing_policy::pop(std::size_t worker) noexcept {
  worker_queues& self = workers_[worker];
  if (++self.ticks % kGlobalQueueInterval == 0) {
    if (self.ticks == kOwnDequeInterval) self.ticks = 0;
    if (task* t = take_oldest(self, self.ticks == 0)) return t;  // WS.FAIR1
  }
  if (self.lifo != nullptr) return std::exchange(self.lifo, nullptr);
  if (task* t = self.deque.pop()) return t;
  if (task* t = self.fifo.pop()) return t;
  return take_from_injection(self);
}

task* work_stealing_policy::steal(std::size_t worker) noexcept {
  worker_queues& self = workers_[worker];
  const std::size_t start = twist::random::choice(num_workers_);
  for (std::size_t k = 0; k < num_workers_; ++k) {
    const std::size_t victim = (start + k) % num_workers_;
    if (victim == worker) continue;
    if (task* t = workers_[victim].deque.steal_into(self.deque, injection_)) return t;
    if (task* t = workers_[victim].fifo.steal_into(self.fifo)) return t;
  }
  return take_from_injection(self);
}

bool work_stealing_policy::has_work() const noexcept {
  if (!injection_.empty_hint()) return true;
  for (std::size_t i = 0; i < num_workers_; ++i) {
    if (!workers_[i].deque.empty_hint() || !workers_[i].fifo.empty_hint()) return true;
  }
  return false;
}

// SP.POL4: the stolen batch's rest (pushed on the thief's deque) or a share of the injection
// queue (in the FIFO ring) is stealable; the LIFO slot is not (WS.SLOT1).
bool work_stealing_policy::has_surplus(std::size_t worker) const noexcept {
  const worker_queues& self = workers_[worker];
  return !self.deque.empty_hint() || !self.fifo.empty_hint();
}

// WS.FAIR1: the oldest task this worker can see (its deque's only when `own_deque_too`). The owner
// may steal from its own deque's top: steal() takes no liberty that relies on the caller not
// being the owner.
task* work_stealing_policy::take_oldest(worker_queues& self, bool own_deque_too) noexcept {
  if (task* t = injection_.pop_front()) return t;
  if (task* t = self.fifo.pop()) return t;
  return own_deque_too ? self.deque.steal() : nullptr;
}

// Takes a fair share of the injection queue (Tokio's rule): one task to run, the rest into
// the FIFO ring (which is empty here: pop looked at it first).
task* work_stealing_policy::take_from_injection(worker_queues& self) noexcept {
  const std::size_t queued = injection_.size_hint();
  if (queued == 0) return nullptr;
  std::size_t share = queued / num_workers_ + 1;
  if (share > detail::local_queue::kCapacity / 2) share = detail::local_queue::kCapacity / 2;
  detail::injection_queue::list_type batch;
  if (injection_.pop_front(batch, share) == 0) return nullptr;
  task* first = batch.pop_front();
  while (task* t = batch.pop_front()) self.fifo.push_back(*t, injection_);
  return first;
}

}  // namespace spindle::exec
