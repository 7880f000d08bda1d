// Vector clocks for the race detector (Lamport 1978; Mattern 1989): one counter per simulated
// thread. a.covers(b) means everything b has seen happens-before the point a stands for.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace spindle::sim::detail {

class vector_clock {
 public:
  std::uint32_t get(std::uint32_t thread) const noexcept {
    return thread < ticks_.size() ? ticks_[thread] : 0;
  }
  void set(std::uint32_t thread, std::uint32_t tick) {
    if (thread >= ticks_.size()) ticks_.resize(thread + 1, 0);
    ticks_[thread] = tick;
  }
  void tick(std::uint32_t thread) { set(thread, get(thread) + 1); }

  // Pointwise maximum: *this learns everything `other` has seen.
  void join(const vector_clock& other) {
    if (other.ticks_.size() > ticks_.size()) ticks_.resize(other.ticks_.size(), 0);
    for (std::size_t i = 0; i < other.ticks_.size(); ++i) {
      ticks_[i] = std::max(ticks_[i], other.ticks_[i]);
    }
  }
  // Becomes a copy of `other` (keeps its own capacity: no allocation in steady state).
  void assign(const vector_clock& other) { ticks_.assign(other.ticks_.begin(), other.ticks_.end()); }
  void clear() noexcept { ticks_.clear(); }
  bool empty() const noexcept { return ticks_.empty(); }

 private:
  std::vector<std::uint32_t> ticks_;
};

}  // namespace spindle::sim::detail
