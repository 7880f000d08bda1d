// The record of a run: one entry per step (thread, operation, location, value, source
// location). During exploration only the last `tail_capacity` steps are kept (a ring); the
// replay of a failing schedule keeps all of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spindle/sim/trap.hpp>

namespace spindle::sim::detail {

// The simulator's internals speak the trap interface's vocabulary (steps, operations, accesses).
using namespace ::spindle::sim::trap;

struct trace_entry {
  std::uint64_t step;
  std::uint32_t thread;
  operation op;
  std::memory_order order;
  bool has_value;
  std::uint32_t location;  // ~0: none
  std::uint64_t value;
  source_location where;
};

const char* to_string(operation op) noexcept;
const char* to_string(std::memory_order order) noexcept;

class trace_log {
 public:
  static constexpr std::uint32_t no_location = ~std::uint32_t{0};
  static constexpr std::size_t tail_capacity = 256;

  void reset(bool keep_all);
  trace_entry& append();
  // The entry of the latest step (commit() fills in the value).
  trace_entry* last() noexcept { return size_ == 0 ? nullptr : &at(size_ - 1); }

  std::size_t size() const noexcept { return size_; }
  // The entries still held, oldest first: all of them, or the tail.
  std::size_t first_held() const noexcept {
    return keep_all_ || size_ <= tail_capacity ? 0 : size_ - tail_capacity;
  }
  const trace_entry& at(std::size_t index) const noexcept {
    return entries_[keep_all_ ? index : index % tail_capacity];
  }

  // The last `limit` held steps (0: all held), one per line.
  std::string format(std::size_t limit) const;

 private:
  trace_entry& at(std::size_t index) noexcept {
    return entries_[keep_all_ ? index : index % tail_capacity];
  }

  std::vector<trace_entry> entries_;
  std::size_t size_ = 0;
  bool keep_all_ = false;
};

// "file:line (function)", with the directory part of the file name cut.
std::string format_location(const source_location& where);

}  // namespace spindle::sim::detail
