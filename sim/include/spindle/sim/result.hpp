// What an exploration found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace spindle::sim {

enum class outcome : std::uint8_t {
  ok,
  assertion_failed,     // SPINDLE_ASSERT, a gtest assertion, a misused facade primitive
  uncaught_exception,   // an exception escaped a simulated thread
  deadlock,             // every thread blocked, no timer pending
  livelock,             // a run exceeded options::max_steps
  memory_leak,          // simulated allocations never freed
  double_free,
  use_after_free,       // a facade access to freed simulated memory
  data_race,            // twist::shared<T> accesses not ordered by happens-before
  nondeterminism,       // the same schedule gave a different run
  bad_token,            // SPINDLE_SIM_REPLAY does not decode
};

const char* to_string(outcome value) noexcept;

struct result {
  sim::outcome outcome = sim::outcome::ok;
  // Human-readable: what failed, where, the trace, the replay token and how to use it.
  std::string report;
  // The schedule of the (shrunk) failing run; empty when ok.
  std::string token;
  std::size_t runs = 0;             // schedules run
  std::size_t steps = 0;            // simulated steps, all runs
  std::size_t pruned = 0;           // dfs: schedules skipped as equivalent (sleep sets)
  std::size_t max_threads = 0;      // most simulated threads in one run
  std::size_t longest_run = 0;      // most steps in one run
  bool exhausted = false;           // dfs: every schedule within the bounds was run
  double seconds = 0;
  std::string summary;              // one paragraph: strategy, bounds, guarantee, counts

  bool ok() const noexcept { return outcome == sim::outcome::ok; }
  explicit operator bool() const noexcept { return ok(); }
};

}  // namespace spindle::sim
