// std backend of twist/futex.hpp: the OS futex (Linux futex(2) on private mappings,
// Windows WaitOnAddress), addressed through the 32-bit atomic word.
//
// The wake rule (DESIGN.md): a waker that may let the waiter free the object calls
// prepare_wake(word) BEFORE the store that publishes, then wake_one/wake_all(key) after it,
// and never touches the object in between. The key holds only the address, which the
// kernel uses as a hash key and never dereferences, so waking a freed word is harmless.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/detail/os_futex.hpp>
#include <spindle/twist/source_location.hpp>

namespace spindle::twist::futex {

namespace detail {
inline std::uint32_t* address_of(atomic<std::uint32_t>& word) noexcept {
  static_assert(sizeof(atomic<std::uint32_t>) == sizeof(std::uint32_t));
  static_assert(atomic<std::uint32_t>::is_always_lock_free);
  return reinterpret_cast<std::uint32_t*>(&word);
}
}  // namespace detail

// Sleeps while `word` holds `old` (the check and the sleep are atomic with respect to
// wakes); may return spuriously. Returns word.load(order) read after waking.
inline std::uint32_t wait(atomic<std::uint32_t>& word, std::uint32_t old,
                          std::memory_order order = std::memory_order_seq_cst,
                          source_location = source_location::current()) noexcept {
  os::wait(detail::address_of(word), old);
  return word.load(order);
}

// Like wait(), for at most `timeout`. Returns false if the wait timed out, true otherwise
// (woken, spurious, or `word` no longer held `old`).
inline bool wait_for(atomic<std::uint32_t>& word, std::uint32_t old,
                     std::chrono::nanoseconds timeout,
                     source_location = source_location::current()) noexcept {
  return os::wait_for(detail::address_of(word), old, timeout);
}

// Step 1 of a wake: remember where to wake, before the store that may free the word.
inline wake_key prepare_wake(atomic<std::uint32_t>& word,
                             source_location = source_location::current()) noexcept {
  return wake_key{detail::address_of(word)};
}

// Step 2: wake at most one / all threads waiting on the key's word.
inline void wake_one(wake_key key, source_location = source_location::current()) noexcept {
  os::wake(key.address, /*all=*/false);
}
inline void wake_all(wake_key key, source_location = source_location::current()) noexcept {
  os::wake(key.address, /*all=*/true);
}

}  // namespace spindle::twist::futex
