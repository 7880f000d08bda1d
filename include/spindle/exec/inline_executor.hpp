// Runs every task at once, inside submit(), on the submitting thread: the executor for code
// that takes an executor but where the caller wants no hop (tests, continuations that are
// already on the right thread).
//
//   exec::inline_executor now;
//   exec::submit(now, [] { std::puts("runs before submit returns"); });
//
// Hints: all are treated alike (run now). Recursion is not limited: a task that submits to
// the inline executor nests a call. An exception escaping a task goes to the error handler
// (EX.SUBMIT1), by default the terminating one. Never stops: submit() never throws.
#pragma once

#include <string_view>
#include <utility>

#include <spindle/exec/detail/thread_state.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/task_failure.hpp>

namespace spindle::exec {

class inline_executor final : public executor {
 public:
  explicit inline_executor(error_handler on_task_failure = &terminate_on_task_failure)
      : on_task_failure_(std::move(on_task_failure)) {}

  // Runs `t` now, with this executor as the current one.
  void submit(task& t, hint = hint::any) override {
    detail::current_executor_scope scope(this);
    detail::run_task(t, *this, on_task_failure_);
  }

  std::string_view name() const noexcept override { return "inline"; }

 private:
  error_handler on_task_failure_;
};

}  // namespace spindle::exec
