// Windows half of stack_overflow_scope: a vectored exception handler.
//
// Windows dispatches an exception on the faulting thread's own stack; the guard below an
// owned stack is PAGE_GUARD memory (see stack_memory_windows.cpp), which becomes accessible on
// the first touch, so the dispatcher and this handler have room to run. The handler reports
// a fault inside the guard of the stack recorded as running on this thread and terminates
// the process; it passes every other exception on (EXCEPTION_CONTINUE_SEARCH).
//
// It terminates with TerminateProcess rather than abort(): abort() runs more code on the
// exhausted stack, which hits the next guard page and re-enters the handler (seen under wine:
// the report printed twice). The exit code is abort()'s, 3, so callers see the usual status.
#include "stack_overflow_report.hpp"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

namespace spindle::context::detail {

namespace {

constexpr std::size_t report_capacity = 256;
constexpr UINT abort_exit_code = 3;  // what abort() exits with on Windows
// Vectored handlers run in order; "first" puts this one ahead of any installed earlier.
constexpr ULONG call_first = 1;

LONG CALLBACK on_exception(EXCEPTION_POINTERS* pointers) {
  const EXCEPTION_RECORD* record = pointers->ExceptionRecord;
  const DWORD code = record->ExceptionCode;
  const bool is_fault = code == EXCEPTION_ACCESS_VIOLATION || code == EXCEPTION_GUARD_PAGE ||
                        code == EXCEPTION_STACK_OVERFLOW;
  if (!is_fault) return EXCEPTION_CONTINUE_SEARCH;
  const stack_overflow_scope::watched_stack* running = this_thread_watch().running;
  if (running == nullptr) return EXCEPTION_CONTINUE_SEARCH;
  // Access violations and guard-page hits carry the address in ExceptionInformation[1].
  const void* fault_address = record->NumberParameters >= 2
                                  ? reinterpret_cast<const void*>(record->ExceptionInformation[1])
                                  : nullptr;
  const bool overflow = in_guard(*running, fault_address) ||
                        (code == EXCEPTION_STACK_OVERFLOW && running->guard_size != 0);
  if (!overflow) return EXCEPTION_CONTINUE_SEARCH;
  char report[report_capacity];
  const std::size_t length = format_overflow_report(*running, fault_address, report, sizeof report);
  DWORD written = 0;
  ::WriteFile(::GetStdHandle(STD_ERROR_HANDLE), report, static_cast<DWORD>(length), &written,
              nullptr);
  ::TerminateProcess(::GetCurrentProcess(), abort_exit_code);
  return EXCEPTION_CONTINUE_SEARCH;  // not reached
}

bool install_fault_handler() noexcept {
  return ::AddVectoredExceptionHandler(call_first, on_exception) != nullptr;
}

}  // namespace

void prepare_overflow_reports() noexcept {
  // A function-local static: initialised exactly once even if threads race here.
  [[maybe_unused]] static const bool installed = install_fault_handler();
}

}  // namespace spindle::context::detail
