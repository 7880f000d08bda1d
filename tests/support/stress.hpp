// Helpers for stress tests: run a body many times on real threads within a time budget, so
// the suite stays fast on a loaded 2-core CI machine and thorough on a quiet many-core one.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace spindle::test {

// The wall-clock budget of one stress test: SPINDLE_STRESS_SECONDS (default 1.0).
inline std::chrono::duration<double> stress_budget() {
  if (const char* env = std::getenv("SPINDLE_STRESS_SECONDS")) {
    return std::chrono::duration<double>(std::stod(env));
  }
  return std::chrono::duration<double>(1.0);
}

// Runs body(iteration) until `max_iterations` are done or the budget is spent (at least once).
// Returns the number of iterations run.
inline std::size_t repeat_within_budget(std::size_t max_iterations,
                                        const std::function<void(std::size_t)>& body) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(stress_budget());
  std::size_t done = 0;
  do {
    body(done++);
  } while (done < max_iterations && std::chrono::steady_clock::now() < deadline);
  return done;
}

// Number of threads a stress test should use: at least `minimum` (to oversubscribe small
// machines on purpose), at most hardware concurrency * 2.
inline std::size_t stress_threads(std::size_t minimum = 4) {
  std::size_t hw = std::thread::hardware_concurrency();
  std::size_t n = hw == 0 ? minimum : hw * 2;
  return n < minimum ? minimum : n;
}

}  // namespace spindle::test
