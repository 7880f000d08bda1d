// Helpers shared by the exec tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <spindle/exec/compute_pool.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/worker_pool.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle::test {

// Spins (yielding) until `done()` or `limit` has passed; returns done(). For waiting on
// conditions that must become true soon; the limit only turns a hang into a failure.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    twist::this_thread::yield();
  }
  return true;
}

// The pool kinds every pool test runs against.
enum class pool_kind { compute_mutex, compute_lock_free, fast };

inline std::string pool_kind_name(pool_kind kind) {
  switch (kind) {
    case pool_kind::compute_mutex:
      return "ComputeMutex";
    case pool_kind::compute_lock_free:
      return "ComputeLockFree";
    case pool_kind::fast:
      return "Fast";
  }
  return "?";
}

// For INSTANTIATE_TEST_SUITE_P's name generator.
struct pool_kind_param_name {
  template <class Info>
  std::string operator()(const Info& param_info) const {
    return pool_kind_name(param_info.param);
  }
};

inline std::unique_ptr<exec::worker_pool> make_pool(pool_kind kind, exec::pool_options options) {
  switch (kind) {
    case pool_kind::compute_mutex:
      options.global_queue = exec::global_queue_kind::mutex;
      return std::make_unique<exec::compute_pool>(std::move(options));
    case pool_kind::compute_lock_free:
      options.global_queue = exec::global_queue_kind::lock_free;
      options.lock_free_capacity = 8;  // small: the spill-over list is used too
      return std::make_unique<exec::compute_pool>(std::move(options));
    case pool_kind::fast:
      return std::make_unique<exec::fast_pool>(std::move(options));
  }
  return nullptr;
}

inline std::unique_ptr<exec::worker_pool> make_pool(pool_kind kind, std::size_t workers) {
  exec::pool_options options;
  options.workers = workers;
  options.name = pool_kind_name(kind);
  return make_pool(kind, std::move(options));
}

}  // namespace spindle::test
