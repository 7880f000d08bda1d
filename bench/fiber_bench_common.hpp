// What the fiber benchmarks (fiber_bench*.cpp) and their Go peer (peers/go/main.go) share:
// the sizes of the workloads (keep the two in step) and an RSS probe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

namespace spindle::bench::fiber_bench {

// The pools, Boost.Fiber's scheduler and Go's GOMAXPROCS all get this many threads:
// SPINDLE_BENCH_WORKERS, by default 2 (the development VM's 2 cores). scripts/bench starts the
// Go peer with GOMAXPROCS set to the same number.
inline std::size_t workers_from_environment() {
  const char* text = std::getenv("SPINDLE_BENCH_WORKERS");
  const long value = text == nullptr ? 0 : std::strtol(text, nullptr, 10);
  return value > 0 ? static_cast<std::size_t>(value) : 2;
}
inline const std::size_t kWorkers = workers_from_environment();

inline constexpr std::int64_t kSkynetLeaves = 1'000'000;
inline constexpr std::int64_t kSkynetFanOut = 10;
inline constexpr std::int64_t kSkynetSum = kSkynetLeaves * (kSkynetLeaves - 1) / 2;

inline constexpr std::int64_t kPingPongTrips = 100'000;  // Go: 1,000,000 (per-trip figures)
inline constexpr std::int64_t kMutexOps = 2'000'000;     // per run, split among the contenders

// The figure, and one below what Linux's default vm.max_map_count (65530) allows:
// every guarded stack is two mappings (the guard page and the usable pages).
inline constexpr std::int64_t kParkedFibers = 100'000;
inline constexpr std::int64_t kParkedFibersWithinMapLimit = 25'000;
// Slab stacks only (fiber::slab_stack_allocator): about 4 GB resident, 68 GB of address space.
inline constexpr std::int64_t kParkedFibersMillion = 1'000'000;

// Stops the Boost.Fiber peer's scheduler threads (fiber_bench_boost.cpp), if they were
// started. Call before main() returns.
void stop_boost_fiber_peer();

// Resident set size of this process in bytes (Linux /proc/self/statm), or 0.
inline std::int64_t resident_bytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  long long total = 0;
  long long resident = 0;
  const int read = std::fscanf(statm, "%lld %lld", &total, &resident);
  std::fclose(statm);
  return read == 2 ? resident * ::sysconf(_SC_PAGESIZE) : 0;
}

// Page-table memory of this process in bytes (VmPTE in /proc/self/status), or 0. Not part of
// the RSS: a parked fiber's stack page costs its page-table entry on top.
inline std::int64_t page_table_bytes() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return 0;
  char line[256];
  long long kib = 0;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "VmPTE: %lld kB", &kib) == 1) break;
  }
  std::fclose(status);
  return kib * 1024;
}

// Kernel mappings (VMAs) of this process: the lines of /proc/self/maps, or 0.
inline std::int64_t mapping_count() {
  std::FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return 0;
  std::int64_t lines = 0;
  for (int c; (c = std::fgetc(maps)) != EOF;) lines += c == '\n';
  std::fclose(maps);
  return lines;
}

}  // namespace spindle::bench::fiber_bench
