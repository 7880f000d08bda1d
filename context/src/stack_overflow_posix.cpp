// POSIX half of stack_overflow_scope: a SIGSEGV/SIGBUS handler on an alternate signal stack.
//
// 1. The first prepare_overflow_reports() in the process installs on_fault() for SIGSEGV and
//    SIGBUS (SA_ONSTACK | SA_SIGINFO), remembering the actions it replaces.
// 2. Each thread's first prepare gives it an alternate signal stack, unless it has one already
//    (sanitizer runtimes install their own); it is released when the thread exits.
// 3. On a fault, on_fault() runs on that alternate stack. A fault address inside the guard of
//    the stack recorded as running on this thread is an overflow: report with write(2) and
//    abort(), both async-signal-safe. Anything else is not ours: it goes to the previous
//    action, or, where that was the default, the default action is restored and the faulting
//    instruction re-executes into it (a sent signal is re-raised instead).
#include "stack_overflow_report.hpp"

#include <csignal>
#include <cstdlib>

#include <sys/mman.h>
#include <unistd.h>

namespace spindle::context::detail {

namespace {

// The handler formats one line and calls write/abort; sanitizer runtimes that wrap signal
// handlers (TSAN) add a few KiB of their own. 64 KiB leaves ample room, and glibc's SIGSTKSZ
// is no longer a constant.
constexpr std::size_t alternate_stack_size = 64 * 1024;
constexpr std::size_t report_capacity = 256;

struct sigaction previous_segv_action;
struct sigaction previous_bus_action;

const struct sigaction& previous_action(int signal_number) noexcept {
  return signal_number == SIGBUS ? previous_bus_action : previous_segv_action;
}

void forward_to_previous(int signal_number, siginfo_t* info, void* ucontext) noexcept {
  const struct sigaction& previous = previous_action(signal_number);
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal_number, info, ucontext);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal_number);
    return;
  }
  // Default action (ignoring a fault would loop forever, so SIG_IGN counts as default too).
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal_number, &default_action, nullptr);
  if (info->si_code <= 0) ::raise(signal_number);  // sent, not a fault: nothing re-executes
}

void on_fault(int signal_number, siginfo_t* info, void* ucontext) {
  const stack_overflow_scope::watched_stack* running = this_thread_watch().running;
  if (info->si_code > 0 && running != nullptr && in_guard(*running, info->si_addr)) {
    char report[report_capacity];
    const std::size_t length =
        format_overflow_report(*running, info->si_addr, report, sizeof report);
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, report, length);
    std::abort();
  }
  forward_to_previous(signal_number, info, ucontext);
}

bool install_fault_handler() noexcept {
  struct sigaction action {};
  action.sa_sigaction = on_fault;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGSEGV, &action, &previous_segv_action);
  ::sigaction(SIGBUS, &action, &previous_bus_action);
  return true;
}

// This thread's alternate signal stack, if spindle had to provide one.
class alternate_signal_stack {
 public:
  alternate_signal_stack() noexcept {
    stack_t current{};
    if (::sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;
    void* memory = ::mmap(nullptr, alternate_stack_size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return;  // no report on this thread; the fault still kills it
    stack_t ours{};
    ours.ss_sp = memory;
    ours.ss_size = alternate_stack_size;
    if (::sigaltstack(&ours, nullptr) != 0) {
      ::munmap(memory, alternate_stack_size);
      return;
    }
    memory_ = memory;
  }

  ~alternate_signal_stack() {
    if (memory_ == nullptr) return;
    stack_t disabled{};
    disabled.ss_flags = SS_DISABLE;
    ::sigaltstack(&disabled, nullptr);
    ::munmap(memory_, alternate_stack_size);
  }

  alternate_signal_stack(const alternate_signal_stack&) = delete;
  alternate_signal_stack& operator=(const alternate_signal_stack&) = delete;

 private:
  void* memory_ = nullptr;
};

}  // namespace

void prepare_overflow_reports() noexcept {
  // A function-local static: initialised exactly once even if threads race here.
  [[maybe_unused]] static const bool installed = install_fault_handler();
  [[maybe_unused]] thread_local alternate_signal_stack signal_stack;
}

}  // namespace spindle::context::detail
