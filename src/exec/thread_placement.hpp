// Names a pool worker's thread and pins it to a CPU, as pool_options ask.
#pragma once

#include <cstddef>

#include <spindle/exec/pool_options.hpp>

namespace spindle::exec::detail {

// Called by worker `index` on its own thread before it runs tasks. Best effort: a failing OS
// call leaves the thread as it was. Does nothing in sim mode (no OS threads), and pins nothing
// when the facade pins threads itself (twist::facade_pins_threads(): faulty mode with
// SPINDLE_FAULTY_ONE_CORE=1 pins every thread to one core).
void place_current_thread(const pool_options& options, std::size_t index) noexcept;

}  // namespace spindle::exec::detail
