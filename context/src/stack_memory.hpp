// The platform half of context::stack: one leaf file per OS implements these
// (stack_memory_posix.cpp, stack_memory_windows.cpp).
#pragma once

#include <cstddef>

namespace spindle::context::detail {

// The page size of the system; stack sizes are whole multiples of it.
std::size_t system_page_size() noexcept;

// Bytes of inaccessible memory kept below every owned stack.
std::size_t stack_guard_size() noexcept;

// Maps stack_guard_size() inaccessible bytes followed by `usable` read-write bytes (both whole
// pages) and returns the lowest usable byte, or nullptr if the system refuses.
std::byte* map_guarded_stack(std::size_t usable) noexcept;

// Releases what map_guarded_stack(usable) returned, guard included.
void unmap_guarded_stack(std::byte* lowest_usable, std::size_t usable) noexcept;

// Gives the memory behind [lowest, lowest + size) (whole pages inside the usable part of one
// map_guarded_stack mapping) back to the system. The range stays mapped and writable; it then
// reads as zeros, or as the bytes it held where the system kept them (never anything else).
void discard_stack_pages(std::byte* lowest, std::size_t size) noexcept;

// Asks the system to back [lowest, lowest + size) (usable pages of one mapping) with base-size
// pages only. For big mappings of many stacks (context::stack_slab): with transparent huge
// pages, one touched page of one stack could otherwise make the kernel fault in 2 MiB.
void avoid_huge_pages(std::byte* lowest, std::size_t size) noexcept;

}  // namespace spindle::context::detail
