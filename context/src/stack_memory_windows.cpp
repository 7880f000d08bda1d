// Windows stacks: one VirtualAlloc'd region (reserved and committed), the guard made
// PAGE_NOACCESS with VirtualProtect.
#include "stack_memory.hpp"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

namespace spindle::context::detail {

namespace {

// Windows raises an exception on the faulting thread's own stack, so a guard hit only reaches
// the vectored handler if there is room below the stack pointer for the dispatcher's frames
// (a CONTEXT record alone is 1.2 KiB). The guard is therefore PAGE_GUARD memory, a one-shot
// trap: the first touch raises STATUS_GUARD_PAGE_VIOLATION and leaves that page accessible,
// so the dispatcher and the reporting handler run in it. Empirical (wine 8): both fit in the
// first page; 4 pages leave room for a bigger dispatcher and for frames that skip a page.
constexpr std::size_t guard_pages = 4;

}  // namespace

std::size_t system_page_size() noexcept {
  static const std::size_t page = [] {
    SYSTEM_INFO info;
    ::GetSystemInfo(&info);
    return static_cast<std::size_t>(info.dwPageSize);
  }();
  return page;
}

std::size_t stack_guard_size() noexcept { return guard_pages * system_page_size(); }

std::byte* map_guarded_stack(std::size_t usable) noexcept {
  const std::size_t guard = stack_guard_size();
  void* base = ::VirtualAlloc(nullptr, guard + usable, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (base == nullptr) return nullptr;
  DWORD previous = 0;
  if (!::VirtualProtect(base, guard, PAGE_READWRITE | PAGE_GUARD, &previous)) {
    ::VirtualFree(base, 0, MEM_RELEASE);
    return nullptr;
  }
  return static_cast<std::byte*>(base) + guard;
}

void unmap_guarded_stack(std::byte* lowest_usable, std::size_t /*usable*/) noexcept {
  ::VirtualFree(lowest_usable - stack_guard_size(), 0, MEM_RELEASE);
}

void discard_stack_pages(std::byte* lowest, std::size_t size) noexcept {
  // MEM_RESET, not MEM_DECOMMIT + MEM_COMMIT: the range stays committed, so no later touch
  // can fault (a recommit could fail at the commit limit). The system drops the pages when it
  // wants the memory; until then they keep their bytes.
  ::VirtualAlloc(lowest, size, MEM_RESET, PAGE_READWRITE);
}

void avoid_huge_pages(std::byte* /*lowest*/, std::size_t /*size*/) noexcept {
  // Nothing to do: Windows uses large pages only for MEM_LARGE_PAGES allocations.
}

}  // namespace spindle::context::detail
