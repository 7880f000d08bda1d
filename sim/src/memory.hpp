// The memory checker: tracks what simulated threads allocate with operator new during a run
// (never what the simulator itself allocates), and finds leaks, double frees and accesses to
// freed simulated memory. Freed blocks are poisoned and kept in quarantine until the run ends,
// so a stale access reads garbage instead of a reused object, and a facade access to one is
// reported with both the allocating and the freeing step.
#pragma once

#include <cstddef>
#include <string>

namespace spindle::sim::detail {
class world;
}

namespace spindle::sim::detail::memory {

// Starts tracking for a run of `w` (which says when user code runs, and decides injected
// allocation failures).
void begin_run(world& w);
// Stops tracking. Returns the leak report ("" when every tracked block was freed) if asked.
std::string end_run(bool report_leaks);
// If `address` lies in a freed, quarantined block of this run, describes the block.
bool freed_block_at(const void* address, std::string& description);

}  // namespace spindle::sim::detail::memory
