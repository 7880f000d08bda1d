// sim backend of twist/spin_wait.hpp: every spin is a yield to the scheduler, so a spin loop
// costs one step per round and lets the thread it waits for run; should_park() says "park"
// at once, so spin-then-park primitives take their parking path in every exploration.
#pragma once

#include <spindle/sim/trap.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist {

inline void cpu_relax(source_location where = source_location::current()) noexcept {
  if (sim::trap::in_simulation()) sim::trap::yield(sim::trap::operation::yield, where);
}

class spin_wait {
 public:
  void operator()(source_location where = source_location::current()) noexcept {
    ++spins_;
    cpu_relax(where);
  }

  // True after the first spin: in the simulator spinning buys nothing, parking paths matter.
  bool should_park() const noexcept { return spins_ > 0; }

  void reset() noexcept { spins_ = 0; }

 private:
  unsigned spins_ = 0;
};

}  // namespace spindle::twist
