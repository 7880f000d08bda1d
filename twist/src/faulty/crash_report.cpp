// Printing the seed when a faulty-mode run dies, so the failure can be replayed with
// SPINDLE_FAULTY_SEED=<seed>. Three ways a stress test dies are covered:
//   - std::terminate (an uncaught exception, a joinable thread destroyed ...): a terminate
//     handler, which then calls the previous handler;
//   - abort() (a failed assertion, a misuse report): a SIGABRT handler, which then restores
//     the previous disposition and re-raises;
//   - a sanitizer report (TSAN/ASAN/UBSAN, which exit without abort()): the sanitizers' weak
//     __sanitizer_report_error_summary hook, called once per report with its summary line.
// The seed is printed once per process. The signal and sanitizer paths use only
// async-signal-safe calls (a raw write(2), no stdio, no allocation).
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include <spindle/twist/faulty/config.hpp>

#include "runtime.hpp"

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#elif defined(_WIN32)
#include <io.h>
#endif

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SPINDLE_FAULTY_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define SPINDLE_FAULTY_SANITIZED 1
#endif
#endif
#ifndef SPINDLE_FAULTY_SANITIZED
#define SPINDLE_FAULTY_SANITIZED 0
#endif

namespace spindle::twist::faulty::detail {
namespace {

std::atomic<bool> seed_reported{false};
std::terminate_handler previous_terminate = nullptr;  // written once, before main()

void write_stderr(const char* text, std::size_t length) noexcept {
#if defined(__linux__)
  // The raw system call, not write(): a sanitizer's write() interceptor must not run while the
  // sanitizer is in the middle of a report.
  [[maybe_unused]] const long written = ::syscall(SYS_write, 2, text, length);
#elif defined(_WIN32)
  [[maybe_unused]] const int written = ::_write(2, text, static_cast<unsigned>(length));
#endif
}

// Prints "[spindle] faulty mode ...SPINDLE_FAULTY_SEED=<seed>" once; async-signal-safe.
void report_seed() noexcept {
  if (seed_reported.exchange(true, std::memory_order_relaxed)) return;  // relaxed: a latch only
  constexpr char kPrefix[] = "[spindle] faulty mode: reproduce with SPINDLE_FAULTY_SEED=";
  constexpr std::size_t kMaxDigits = 20;  // 2^64 - 1 has 20 decimal digits
  char line[sizeof(kPrefix) + kMaxDigits + 1];
  std::memcpy(line, kPrefix, sizeof(kPrefix) - 1);
  char digits[kMaxDigits];
  std::size_t count = 0;
  std::uint64_t value = seed();
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  std::size_t length = sizeof(kPrefix) - 1;
  while (count > 0) line[length++] = digits[--count];
  line[length++] = '\n';
  write_stderr(line, length);
}

[[noreturn]] void on_terminate() {
  report_seed();
  if (previous_terminate != nullptr) previous_terminate();
  std::abort();
}

#if !defined(_WIN32)
struct sigaction previous_abort_action;  // written once, before main()

void on_abort(int signal_number) {
  report_seed();
  // The signal stays blocked while this handler runs, so the re-raised one is delivered,
  // to the previous disposition, as soon as we return.
  ::sigaction(SIGABRT, &previous_abort_action, nullptr);
  ::raise(signal_number);
}
#else
void on_abort(int signal_number) {
  report_seed();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}
#endif

}  // namespace

void install_crash_report() noexcept {
  previous_terminate = std::set_terminate(on_terminate);
#if !defined(_WIN32)
  struct sigaction action {};
  action.sa_handler = on_abort;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  ::sigaction(SIGABRT, &action, &previous_abort_action);
#else
  std::signal(SIGABRT, on_abort);
#endif
}

}  // namespace spindle::twist::faulty::detail

#if SPINDLE_FAULTY_SANITIZED
// Overrides the sanitizer runtime's weak default (which prints the summary line): print it as
// the default does, then the seed. The name is the sanitizers' public interface.
extern "C" void __sanitizer_report_error_summary(const char* summary) {
  spindle::twist::faulty::detail::write_stderr(summary, std::strlen(summary));
  spindle::twist::faulty::detail::write_stderr("\n", 1);
  spindle::twist::faulty::detail::report_seed();
}
#endif

namespace spindle::twist::faulty::detail {

void misuse(const char* what, source_location where) noexcept {
  std::fprintf(stderr, "spindle twist (faulty mode): %s\n  at %s:%u (%s)\n", what, where.file_name(),
               static_cast<unsigned>(where.line()), where.function_name());
  std::fflush(stderr);
  std::abort();  // the SIGABRT handler prints the seed
}

}  // namespace spindle::twist::faulty::detail
