// Compiler and sanitizer detection, and the assertion macro: the one place for workarounds.
#pragma once

#include <cstdio>
#include <cstdlib>

#include <spindle/base/thread_safety.hpp>

// ---- sanitizers -----------------------------------------------------------------------------
#if defined(__SANITIZE_ADDRESS__)
#define SPINDLE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPINDLE_ASAN 1
#endif
#endif
#ifndef SPINDLE_ASAN
#define SPINDLE_ASAN 0
#endif

#if defined(__SANITIZE_THREAD__)
#define SPINDLE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SPINDLE_TSAN 1
#endif
#endif
#ifndef SPINDLE_TSAN
#define SPINDLE_TSAN 0
#endif

// ---- attributes -----------------------------------------------------------------------------
#define SPINDLE_NOINLINE __attribute__((noinline))
#define SPINDLE_ALWAYS_INLINE inline __attribute__((always_inline))

// ---- assertions -----------------------------------------------------------------------------
// SPINDLE_ASSERT(cond, "what went wrong") checks an invariant or a usage rule. It is on unless
// NDEBUG is defined (the std preset builds Release *with* asserts); a failure prints the
// message and location and aborts. Misuse of a primitive must fail here, loudly, rather than
// corrupt state.
namespace spindle::detail {
// Set by the simulator while it runs (sim builds): a failed check in a simulated thread then
// ends that run with a report and a replay token instead of aborting the process. It does not
// return. Null otherwise.
inline void (*assertion_hook)(const char* text) noexcept = nullptr;

[[noreturn]] inline void assertion_failed(const char* condition, const char* message,
                                          const char* file, int line) noexcept {
  if (assertion_hook != nullptr) {
    char text[512];
    std::snprintf(text, sizeof text, "%s (check `%s` failed at %s:%d)", message, condition, file, line);
    assertion_hook(text);
  }
  std::fprintf(stderr, "spindle: %s\n  check `%s` failed at %s:%d\n", message, condition, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace spindle::detail

#ifdef NDEBUG
#define SPINDLE_ASSERT(condition, message) ((void)0)
#else
#define SPINDLE_ASSERT(condition, message)                                                   \
  ((condition) ? (void)0                                                                     \
               : ::spindle::detail::assertion_failed(#condition, message, __FILE__, __LINE__))
#endif

// SPINDLE_VERIFY is an always-on check for misuse that is cheap to detect (a clear error in
// production too).
#define SPINDLE_VERIFY(condition, message)                                                   \
  ((condition) ? (void)0                                                                     \
               : ::spindle::detail::assertion_failed(#condition, message, __FILE__, __LINE__))
