// Counts calls to the global operator new in this program (this benchmark binary replaces it),
// so a benchmark can report allocations per operation.
#pragma once

#include <cstddef>

namespace spindle::bench {

// Allocations made through any form of global operator new since the program started.
std::size_t allocations() noexcept;

}  // namespace spindle::bench
