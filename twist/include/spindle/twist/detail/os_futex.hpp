// The OS futex under the threads backend (defined in twist/src/threads/os_futex.cpp): Linux
// futex(2) on private mappings, Windows WaitOnAddress. Backends wrap it in twist::futex.
#pragma once

#include <chrono>
#include <cstdint>

namespace spindle::twist::futex {

// Where a later wake_one/wake_all goes: the address of the futex word, nothing else.
struct wake_key {
  std::uint32_t* address;
};

namespace os {
// Sleeps while *address == old; returns on a wake, a signal, or at once if the value differs.
void wait(std::uint32_t* address, std::uint32_t old) noexcept;
// Like wait() for at most `timeout`; returns false if it timed out.
bool wait_for(std::uint32_t* address, std::uint32_t old, std::chrono::nanoseconds timeout) noexcept;
// Wakes one or all threads sleeping on `address`; never reads or writes the memory there.
void wake(std::uint32_t* address, bool all) noexcept;
}  // namespace os

}  // namespace spindle::twist::futex
