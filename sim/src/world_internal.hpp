// What the three files of the world (world.cpp, world_operations.cpp, runtime.cpp) share.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace spindle::sim::detail::world_internal {

// Virtual time starts one hour after the clock's epoch, so code may subtract from now().
inline constexpr std::int64_t kEpochNs = std::int64_t{3600} * 1'000'000'000;

inline constexpr std::uint32_t kNoThread = ~std::uint32_t{0};

// How many twist::thread_local_ptr slots exist (each registers once, at static init).
inline std::atomic<std::size_t> thread_locals_registered{0};

inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
  // splitmix64 finalizer over the running hash: cheap, and order-sensitive.
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  return h;
}

// Keeps a world's in-trap flag set for a scope (the simulator's own allocations are not the
// program's).
class trap_scope {
 public:
  explicit trap_scope(bool& flag) noexcept : flag_(flag), saved_(flag) { flag_ = true; }
  ~trap_scope() { flag_ = saved_; }
  trap_scope(const trap_scope&) = delete;
  trap_scope& operator=(const trap_scope&) = delete;

 private:
  bool& flag_;
  bool saved_;
};

}  // namespace spindle::sim::detail::world_internal
