// A fault that is not an overflow of the running stack reaches the handler that was there
// before spindle's. Its own binary: it must install its handler before anything in the
// process creates a stack_overflow_scope (which installs spindle's, once per process).
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>
#include <spindle/context/stack_overflow_scope.hpp>

#include "fault_expectations.hpp"

namespace spindle::context {
namespace {

constexpr int chained_exit_code = 42;
constexpr char chained_message[] = "previous handler ran\n";

#ifdef _WIN32
LONG CALLBACK previous_handler(EXCEPTION_POINTERS*) {
  DWORD written = 0;
  ::WriteFile(::GetStdHandle(STD_ERROR_HANDLE), chained_message, sizeof chained_message - 1,
              &written, nullptr);
  ::ExitProcess(chained_exit_code);
}

void install_previous_handler() {
  // Called last (after spindle's, which asks to be first), so it sees what spindle passes on.
  ::AddVectoredExceptionHandler(0, previous_handler);
}
#else
void previous_handler(int, siginfo_t*, void*) {
  [[maybe_unused]] auto written =
      ::write(STDERR_FILENO, chained_message, sizeof chained_message - 1);
  ::_exit(chained_exit_code);
}

void install_previous_handler() {
  struct sigaction action {};
  action.sa_sigaction = previous_handler;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGSEGV, &action, nullptr);
  ::sigaction(SIGBUS, &action, nullptr);
}
#endif

// Installs the test's handler so that it runs after spindle's, watches `watched`, and faults
// in `other`'s guard.
void fault_outside_the_watched_guard(const stack& watched, const stack& other) {
#ifdef _WIN32
  stack_overflow_scope watch(watched.guard_lowest(), stack::guard_size(), "coroutine", "watched");
  install_previous_handler();  // after spindle's, which asks to be first in line
#else
  install_previous_handler();  // before spindle's: it becomes spindle's "previous" action
  stack_overflow_scope watch(watched.guard_lowest(), stack::guard_size(), "coroutine", "watched");
#endif
  test::touch(other.guard_lowest());
}

TEST(StackOverflowChainDeathTest, OtherFaultsGoToThePreviousHandler) {
  stack watched(stack::default_size);
  stack other(stack::default_size);
  EXPECT_EXIT(fault_outside_the_watched_guard(watched, other),
              testing::ExitedWithCode(chained_exit_code), "previous handler ran");
}

}  // namespace
}  // namespace spindle::context
