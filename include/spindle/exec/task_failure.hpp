// What happens when an exception escapes a task run by an executor that owns threads (the
// pools, the strand): the executor catches it and calls its error handler with a
// task_failure. The default handler prints which task on which executor failed, and what,
// then calls std::terminate. Executors that run tasks on the caller's thread (inline_executor,
// manual_executor) let the exception propagate to that caller instead.
//
//   exec::pool_options options;
//   options.on_task_failure = [&](const exec::task_failure& f) { failures.fetch_add(1); };
#pragma once

#include <exception>
#include <functional>
#include <string_view>

namespace spindle::exec {

class executor;
class task;

struct task_failure {
  const executor* where;           // the executor that ran the task
  std::string_view executor_name;  // its name()
  const task* failed_task;         // address only: the task may be gone (EX.TASK2)
  std::exception_ptr error;        // what escaped the task
};

// Called on the thread that ran the task; the executor carries on afterwards. A handler that
// throws terminates the program.
using error_handler = std::function<void(const task_failure&)>;

// The default handler: reports the failure on stderr, then std::terminate().
[[noreturn]] void terminate_on_task_failure(const task_failure& failure) noexcept;

}  // namespace spindle::exec
