// Helpers shared by the faulty-mode tests: fault-rate overrides and a fault recorder.
#pragma once

#include <cstdint>
#include <vector>

#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/faulty/fault_observer.hpp>

namespace spindle::test {

// Replaces the process-wide fault rates for one test; the previous rates come back after it.
class scoped_rates {
 public:
  explicit scoped_rates(const twist::faulty::fault_rates& rates)
      : previous_(twist::faulty::current_rates()) {
    twist::faulty::set_rates(rates);
  }
  ~scoped_rates() { twist::faulty::set_rates(previous_); }

  scoped_rates(const scoped_rates&) = delete;
  scoped_rates& operator=(const scoped_rates&) = delete;

 private:
  twist::faulty::fault_rates previous_;
};

// Fault rates with everything off; tests switch on what they exercise.
inline twist::faulty::fault_rates no_faults() {
  twist::faulty::fault_rates rates;
  rates.yield_one_in = 0;
  rates.sleep_one_in = 0;
  rates.spurious_one_in = 0;
  rates.wake_all_one_in = 0;
  return rates;
}

// Replaces the injection placement for one test.
class scoped_placement {
 public:
  explicit scoped_placement(twist::faulty::placement where)
      : previous_(twist::faulty::injection_placement()) {
    twist::faulty::set_injection_placement(where);
  }
  ~scoped_placement() { twist::faulty::set_injection_placement(previous_); }

  scoped_placement(const scoped_placement&) = delete;
  scoped_placement& operator=(const scoped_placement&) = delete;

 private:
  twist::faulty::placement previous_;
};

// Records the faults injected on the thread it is installed on (see scoped_fault_observer).
struct fault_recorder final : twist::faulty::fault_observer {
  void on_fault(const twist::faulty::fault_event& event) noexcept override { events.push_back(event); }

  std::size_t count(twist::faulty::fault_kind kind) const {
    std::size_t n = 0;
    for (const auto& event : events) n += event.kind == kind ? 1 : 0;
    return n;
  }

  std::vector<twist::faulty::fault_event> events;
};

}  // namespace spindle::test
