#include <spindle/exec/work_stealing_policy.hpp>

#include <spindle/config.hpp>
#include <spindle/twist/random.hpp>

namespace spindle::exec {

// One worker's queues. `ring` is shared with thieves (local_queue.hpp); the rest is touched
// only by the owner worker.
struct alignas(64) work_stealing_policy::worker_queues {
  detail::local_queue ring;
  task* lifo = nullptr;          // owner only
  std::uint32_t lifo_polls = 0;  // owner only: LIFO-slot pops in a row
  std::uint32_t ticks = 0;       // owner only: pops so far (for kGlobalQueueInterval)
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
    task* previous = self.lifo;
    self.lifo = &t;
    if (previous == nullptr) return false;  // POL1: only this worker looks at its LIFO slot
    self.ring.push_back(*previous, injection_);
    return true;
  }
  self.ring.push_back(t, injection_);
  return true;
}

task* work_stealing_policy::pop(std::size_t worker) noexcept {
  worker_queues& self = workers_[worker];
  if (++self.ticks % kGlobalQueueInterval == 0) {
    if (task* t = injection_.pop_front()) return t;
  }
  if (self.lifo != nullptr) {
    if (self.lifo_polls < kMaxLifoPollsInARow) {
      ++self.lifo_polls;
      return std::exchange(self.lifo, nullptr);
    }
    self.ring.push_back(*std::exchange(self.lifo, nullptr), injection_);  // the LIFO cap
  }
  self.lifo_polls = 0;
  if (task* t = self.ring.pop()) return t;
  return take_from_injection(self);
}

task* work_stealing_policy::steal(std::size_t worker) noexcept {
  worker_queues& self = workers_[worker];
  const std::size_t start = twist::random::choice(num_workers_);
  for (std::size_t k = 0; k < num_workers_; ++k) {
    const std::size_t victim = (start + k) % num_workers_;
    if (victim == worker) continue;
    if (task* t = workers_[victim].ring.steal_into(self.ring)) return t;
  }
  return take_from_injection(self);
}

bool work_stealing_policy::has_work() const noexcept {
  if (!injection_.empty_hint()) return true;
  for (std::size_t i = 0; i < num_workers_; ++i) {
    if (!workers_[i].ring.empty_hint()) return true;
  }
  return false;
}

// Takes a fair share of the injection queue (Tokio's rule): one task to run, the rest into
// the ring.
task* work_stealing_policy::take_from_injection(worker_queues& self) noexcept {
  const std::size_t queued = injection_.size_hint();
  if (queued == 0) return nullptr;
  std::size_t share = queued / num_workers_ + 1;
  if (share > detail::local_queue::kCapacity / 2) share = detail::local_queue::kCapacity / 2;
  detail::injection_queue::list_type batch;
  if (injection_.pop_front(batch, share) == 0) return nullptr;
  task* first = batch.pop_front();
  while (task* t = batch.pop_front()) self.ring.push_back(*t, injection_);
  return first;
}

}  // namespace spindle::exec
