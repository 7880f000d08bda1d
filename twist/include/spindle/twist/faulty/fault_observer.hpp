// Observing the faults injected on one thread: tests use it to check that a seed determines the
// fault sequence, and a debugging session can use it to print what the injector did.
//
//   struct recorder : faulty::fault_observer {
//     std::vector<faulty::fault_event> events;
//     void on_fault(const faulty::fault_event& event) noexcept override { events.push_back(event); }
//   } log;
//   faulty::scoped_fault_observer watch{log};   // this thread's faults now go to `log`
#pragma once

#include <cstdint>

#include <spindle/base/fault_kind.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist::faulty {

// What the injector did: the one fault vocabulary (spindle/base/fault_kind.hpp), shared with the
// simulator.
using fault_kind = base::fault_kind;

// One injected fault, as seen by the thread it was injected on.
struct fault_event {
  fault_kind kind;
  // The injector's step on this thread when the fault fired: every injection point and every
  // spurious/wake decision is one step, so the sequence of (step, kind, value) is what a seed
  // determines.
  std::uint64_t step;
  std::uint64_t value;    // kind-specific (see fault_kind); 0 otherwise
  std::uint64_t choices;  // random_waiter: how many waiters there were; 0 otherwise
  source_location where;  // the facade call that was the injection point
};

// Receives the faults injected on the thread it is installed on. on_fault runs with injection
// suspended on that thread, so it may use facade types freely.
class fault_observer {
 public:
  virtual ~fault_observer() = default;
  virtual void on_fault(const fault_event& event) noexcept = 0;
};

// Installs `observer` (or none, with nullptr) for the calling thread; returns the previous one.
fault_observer* set_fault_observer(fault_observer* observer) noexcept;

// Installs an observer for the calling thread for the lifetime of this object.
class scoped_fault_observer {
 public:
  explicit scoped_fault_observer(fault_observer& observer) noexcept
      : previous_(set_fault_observer(&observer)) {}
  ~scoped_fault_observer() { set_fault_observer(previous_); }

  scoped_fault_observer(const scoped_fault_observer&) = delete;
  scoped_fault_observer& operator=(const scoped_fault_observer&) = delete;

 private:
  fault_observer* previous_;
};

}  // namespace spindle::twist::faulty
