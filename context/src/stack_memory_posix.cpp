// POSIX stacks: one anonymous private mapping, the guard made PROT_NONE with mprotect.
#include "stack_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace spindle::context::detail {

namespace {

// One page: a frame that reaches past it without touching it (a local array bigger than a
// page) can still skip the guard; -fstack-clash-protection closes that hole if it matters.
constexpr std::size_t guard_pages = 1;

}  // namespace

std::size_t system_page_size() noexcept {
  static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return page;
}

std::size_t stack_guard_size() noexcept { return guard_pages * system_page_size(); }

std::byte* map_guarded_stack(std::size_t usable) noexcept {
  const std::size_t guard = stack_guard_size();
  int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_STACK
  flags |= MAP_STACK;  // a hint some kernels use (e.g. to keep it out of huge pages)
#endif
  void* base = ::mmap(nullptr, guard + usable, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (base == MAP_FAILED) return nullptr;
  if (::mprotect(base, guard, PROT_NONE) != 0) {
    ::munmap(base, guard + usable);
    return nullptr;
  }
  return static_cast<std::byte*>(base) + guard;
}

void unmap_guarded_stack(std::byte* lowest_usable, std::size_t usable) noexcept {
  const std::size_t guard = stack_guard_size();
  ::munmap(lowest_usable - guard, guard + usable);
}

void discard_stack_pages(std::byte* lowest, std::size_t size) noexcept {
  // Not posix_madvise: glibc makes POSIX_MADV_DONTNEED a no-op. Linux drops the pages at once
  // (private anonymous memory then reads as zeros); other systems may keep the contents. A
  // failure leaves the pages where they were, which is harmless.
  ::madvise(lowest, size, MADV_DONTNEED);
}

void avoid_huge_pages([[maybe_unused]] std::byte* lowest,
                      [[maybe_unused]] std::size_t size) noexcept {
#ifdef MADV_NOHUGEPAGE
  ::madvise(lowest, size, MADV_NOHUGEPAGE);  // Linux; a failure only costs memory
#endif
}

}  // namespace spindle::context::detail
