// The OS futex behind twist::futex in the threads backend (std and faulty builds).
#include <spindle/twist/detail/os_futex.hpp>

#include <cerrno>
#include <climits>
#include <cstdint>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#elif defined(_WIN32)
#include <windows.h>
#else
#error "twist::futex: no OS futex for this platform (Linux and Windows are supported)"
#endif

namespace spindle::twist::futex::os {

#if defined(__linux__)

namespace {
long futex_call(std::uint32_t* address, int op, std::uint32_t value, const timespec* timeout) {
  return ::syscall(SYS_futex, address, op, value, timeout, nullptr, 0);
}
}  // namespace

void wait(std::uint32_t* address, std::uint32_t old) noexcept {
  // EAGAIN (value changed) and EINTR are both "return and let the caller re-check".
  futex_call(address, FUTEX_WAIT_PRIVATE, old, nullptr);
}

bool wait_for(std::uint32_t* address, std::uint32_t old, std::chrono::nanoseconds timeout) noexcept {
  if (timeout.count() <= 0) return false;
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  // FUTEX_WAIT takes a relative timeout.
  long rc = futex_call(address, FUTEX_WAIT_PRIVATE, old, &ts);
  return !(rc == -1 && errno == ETIMEDOUT);
}

void wake(std::uint32_t* address, bool all) noexcept {
  futex_call(address, FUTEX_WAKE_PRIVATE, all ? static_cast<std::uint32_t>(INT_MAX) : 1u, nullptr);
}

#elif defined(_WIN32)

void wait(std::uint32_t* address, std::uint32_t old) noexcept {
  ::WaitOnAddress(address, &old, sizeof(old), INFINITE);
}

bool wait_for(std::uint32_t* address, std::uint32_t old, std::chrono::nanoseconds timeout) noexcept {
  if (timeout.count() <= 0) return false;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  DWORD wait_ms = ms >= static_cast<long long>(INFINITE) ? INFINITE - 1 : static_cast<DWORD>(ms);
  if (::WaitOnAddress(address, &old, sizeof(old), wait_ms)) return true;
  return ::GetLastError() != ERROR_TIMEOUT;
}

void wake(std::uint32_t* address, bool all) noexcept {
  if (all) {
    ::WakeByAddressAll(address);
  } else {
    ::WakeByAddressSingle(address);
  }
}

#endif

}  // namespace spindle::twist::futex::os
