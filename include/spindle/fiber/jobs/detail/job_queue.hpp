// One priority's queue of a job_system: a ring of (job, counter) entries. Guarded by the pool
// lock (not thread-safe itself). It grows (doubling, allocating) when full, so a batch larger
// than options::queue_capacity still goes in; a steady state under the capacity allocates
// nothing.
#pragma once

#include <cstddef>
#include <vector>

#include <spindle/base/config.hpp>
#include <spindle/fiber/jobs/job.hpp>

namespace spindle::fiber::jobs {
class job_counter;
}

namespace spindle::fiber::jobs::detail {

class job_queue {
 public:
  struct entry {
    job work;
    job_counter* counter = nullptr;
  };

  explicit job_queue(std::size_t capacity) : slots_(capacity == 0 ? 1 : capacity) {}

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  // Makes room for `n` more entries (may allocate; throws std::bad_alloc).
  void reserve_more(std::size_t n) {
    if (size_ + n <= slots_.size()) return;
    std::size_t capacity = slots_.size();
    while (capacity < size_ + n) capacity *= 2;
    std::vector<entry> grown(capacity);
    for (std::size_t i = 0; i < size_; ++i) grown[i] = slots_[(head_ + i) % slots_.size()];
    slots_.swap(grown);
    head_ = 0;
  }

  // Appends; reserve_more() must have made room.
  void push(const entry& e) noexcept {
    SPINDLE_ASSERT(size_ < slots_.size(), "job_system job queue: push without room");
    slots_[(head_ + size_) % slots_.size()] = e;
    ++size_;
  }

  entry pop() noexcept {
    SPINDLE_ASSERT(size_ > 0, "job_system job queue: pop from an empty queue");
    const entry e = slots_[head_];
    head_ = (head_ + 1) % slots_.size();
    --size_;
    return e;
  }

 private:
  std::vector<entry> slots_;
  std::size_t head_ = 0;  // the oldest entry
  std::size_t size_ = 0;
};

}  // namespace spindle::fiber::jobs::detail
