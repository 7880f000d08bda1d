// The executor interface's out-of-line parts: the calling thread's current executor / worker,
// and running a task with its failure routed to a handler.
#include <cstdio>
#include <exception>

#include <spindle/exec/detail/thread_state.hpp>
#include <spindle/exec/executor.hpp>
#include <spindle/exec/task_failure.hpp>

namespace spindle::exec {

executor* current_executor() noexcept { return detail::current_executor_ptr::get(); }

std::size_t current_worker_index() noexcept {
  const detail::worker_identity* worker = detail::current_worker_ptr::get();
  return worker == nullptr ? not_a_worker : worker->index;
}

void terminate_on_task_failure(const task_failure& failure) noexcept {
  const char* what = "an exception not derived from std::exception";
  try {
    std::rethrow_exception(failure.error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  std::fprintf(stderr,
               "spindle: task %p on executor '%.*s' threw: %s\n"
               "  (the executor's default error handler terminates; set on_task_failure to "
               "handle task exceptions)\n",
               static_cast<const void*>(failure.failed_task),
               static_cast<int>(failure.executor_name.size()), failure.executor_name.data(), what);
  std::fflush(stderr);
  std::terminate();
}

namespace detail {

void run_task(task& t, const executor& where, const error_handler& on_failure) noexcept {
  const task* address = &t;  // for the report only: never dereferenced after run (EX.TASK2)
  try {
    t.run();
  } catch (...) {
    on_failure(task_failure{&where, where.name(), address, std::current_exception()});
  }
}

}  // namespace detail
}  // namespace spindle::exec
