// A bounded multi-producer multi-consumer queue of task pointers without locks: the compute
// pool's lock-free global queue (pool_options::global_queue = lock_free).
//
// Algorithm: D. Vyukov, "Bounded MPMC queue" (1024cores.net, 2010). Each cell carries a sequence
// number: a producer may fill cell (pos & mask) when its sequence is pos, a consumer may take
// it when it is pos + 1.
//   1. push: read enqueue_pos; if the cell's sequence (acquire) == pos, claim pos with a CAS of
//      enqueue_pos, store the value, then sequence = pos + 1 (release). sequence < pos: full.
//   2. pop: read dequeue_pos; if the cell's sequence (acquire) == pos + 1, claim pos with a CAS
//      of dequeue_pos, read the value, then sequence = pos + capacity (release): free for the
//      producer one lap later. sequence < pos + 1: empty (or a producer has claimed the cell
//      and not filled it yet).
// BQ.MPMC1: each position is claimed by exactly one producer and one consumer (the CASes), and the
// sequence's release/acquire hands the value over (producer -> consumer -> next producer).
// Not strictly lock-free: a producer stalled between its CAS and its sequence store holds up
// consumers of that cell.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <spindle/exec/task.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::exec::detail {

class bounded_mpmc_queue {
 public:
  // `capacity` is rounded up to a power of two (at least 2).
  explicit bounded_mpmc_queue(std::size_t capacity) {
    std::size_t size = 2;
    while (size < capacity) size *= 2;
    mask_ = size - 1;
    cells_.reset(new cell[size]);
    for (std::size_t i = 0; i < size; ++i) {
      cells_[i].sequence.store(i, std::memory_order_relaxed);
      cells_[i].value.store(nullptr, std::memory_order_relaxed);
    }
  }

  // Queues `t`; false if the queue is full.
  bool try_push(task& t) noexcept {
    std::size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask_];
      // acquire: pairs with the consumer's release store (the cell is free again).
      const std::size_t seq = c.sequence.load(std::memory_order_acquire);
      const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
      if (diff == 0) {
        // relaxed: the claim orders nothing; the sequence store publishes.
        if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          c.value.store(&t, std::memory_order_relaxed);
          // release: pairs with the consumer's acquire load of the sequence.
          c.sequence.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (diff < 0) {
        return false;
      } else {
        pos = enqueue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  // Takes the oldest task, or nullptr.
  task* try_pop() noexcept {
    std::size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      cell& c = cells_[pos & mask_];
      // acquire: pairs with the producer's release store.
      const std::size_t seq = c.sequence.load(std::memory_order_acquire);
      const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + 1);
      if (diff == 0) {
        if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          task* t = c.value.load(std::memory_order_relaxed);
          // release: pairs with the next producer's acquire load.
          c.sequence.store(pos + mask_ + 1, std::memory_order_release);
          return t;
        }
      } else if (diff < 0) {
        return nullptr;
      } else {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
      }
    }
  }

  // True if a position was claimed by a producer and not yet by a consumer (a hint, ordered by
  // the caller's seq_cst fence).
  bool empty_hint() const noexcept {
    // relaxed: see above.
    return enqueue_pos_.load(std::memory_order_relaxed) ==
           dequeue_pos_.load(std::memory_order_relaxed);
  }

 private:
  struct cell {
    twist::atomic<std::size_t> sequence;
    twist::atomic<task*> value;
  };

  std::unique_ptr<cell[]> cells_;
  std::size_t mask_ = 0;
  alignas(64) twist::atomic<std::size_t> enqueue_pos_{0};
  alignas(64) twist::atomic<std::size_t> dequeue_pos_{0};
};

}  // namespace spindle::exec::detail
