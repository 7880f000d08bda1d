// What a death test expects when a process dies of a memory fault or of spindle's overflow
// report, on every platform and sanitizer the suite runs under.
#pragma once

#include <cstddef>
#include <cstdint>

#include <spindle/base/config.hpp>

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <csignal>
#include <cerrno>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace spindle::test {

// The exit status of std::abort(): SIGABRT on POSIX; on Windows (msvcrt) exit code 3.
inline bool aborted(int status) {
#ifdef _WIN32
  return status == 3;
#else
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
#endif
}

// Death by an unhandled memory fault: the default action of SIGSEGV/SIGBUS, or a sanitizer's
// fault report (which exits non-zero), or on Windows an unhandled access violation.
inline bool died_of_fault(int status) {
#ifdef _WIN32
  return status != 0 && status != 3;
#else
  if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS;
  return (SPINDLE_ASAN || SPINDLE_TSAN) && WIFEXITED(status) && WEXITSTATUS(status) != 0;
#endif
}

// True if the page holding `address` is mapped (reserved or committed) in this process.
inline bool is_mapped(const void* address) {
#ifdef _WIN32
  MEMORY_BASIC_INFORMATION info;
  if (::VirtualQuery(address, &info, sizeof info) == 0) return false;
  return info.State != MEM_FREE;
#else
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  void* aligned = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(address) & ~(page - 1));
  // msync fails with ENOMEM exactly when the range is not mapped.
  return ::msync(aligned, page, MS_ASYNC) == 0 || errno != ENOMEM;
#endif
}

// Writes to `address`, which the compiler may not elide or move.
inline void touch(std::byte* address) { *static_cast<volatile std::byte*>(address) = std::byte{1}; }

}  // namespace spindle::test
