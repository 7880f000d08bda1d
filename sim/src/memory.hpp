// The memory checker: tracks what simulated threads allocate with operator new during a run
// (never what the simulator itself allocates), and finds leaks, double frees and accesses to
// freed simulated memory. Freed blocks are poisoned and kept in quarantine until the run ends,
// so a stale access reads garbage instead of a reused object, and a facade access to one is
// reported with both the allocating and the freeing step.
//
// memory.cpp replaces the global operator new/delete of every sim build. Outside a run (and
// for the simulator's own allocations inside one) they are malloc/free behind one branch.
// Blocks are plain malloc blocks, described in a side table rather than a header, so a block
// the checker forgets (a leak, a failure message the host keeps) can later be freed anywhere.
#pragma once

#include <cstddef>
#include <string>

namespace spindle::sim::detail {
class world;
}

namespace spindle::sim::detail::memory {

// Starts tracking for a run of `w` on the calling OS thread (`w` says when user code runs and
// whether to check memory, and decides injected allocation failures).
void begin_run(world& w);
// Stops tracking: forgets the blocks still live (without freeing them: state outside the run
// may still point at them) and releases the quarantine. Returns the leak report ("" when every
// tracked block was freed) if asked, "" otherwise.
std::string end_run(bool report_leaks);
// If `address` lies in a freed, quarantined block of this run, describes the block.
bool freed_block_at(const void* address, std::string& description);

}  // namespace spindle::sim::detail::memory
