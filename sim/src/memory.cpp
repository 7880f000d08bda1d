// The memory checker (memory.hpp). Not tracking yet: every hook is a pass-through.
#include "memory.hpp"

namespace spindle::sim::detail::memory {

void begin_run(world&) {}
std::string end_run(bool) { return {}; }
bool freed_block_at(const void*, std::string&) { return false; }

}  // namespace spindle::sim::detail::memory
