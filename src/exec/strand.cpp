#include <spindle/exec/strand.hpp>

#include <exception>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/exec/detail/strand_task_scope.hpp>
#include <spindle/exec/detail/thread_state.hpp>
#include <spindle/twist/spin_wait.hpp>

namespace spindle::exec {

strand::strand(executor& underlying, error_handler on_task_failure)
    : underlying_(underlying), on_task_failure_(std::move(on_task_failure)) {}

strand::~strand() {
  // acquire: pairs with the runner's final fetch_sub (ST.STR3).
  SPINDLE_VERIFY(pending_.load(std::memory_order_acquire) == 0,
                 "strand destroyed while it still has tasks to run");
}

void strand::submit(task& t, hint h) {
  // acq_rel: acquire pairs with the runner's fetch_sub (the previous run happens-before the
  // next one, ST.STR2); release orders our previous writes before the run of `t`.
  const std::size_t before = pending_.fetch_add(1, std::memory_order_acq_rel);
  inbox_.push(t);  // release CAS: publishes `t` to the runner's acquire exchange
  if (before != 0) return;  // a runner exists or is being scheduled (ST.STR1)
  try {
    underlying_.submit(runner_, h);
  } catch (const executor_stopped&) {
    take_back_after_refusal(t);
    throw;
  }
}

void strand::run_batch(task& self) {
  strand& s = *static_cast<runner_task&>(self).owner;
  std::size_t ran = 0;
  {
    detail::current_executor_scope scope(&s);
    auto batch = s.inbox_.pop_all_fifo();
    while (task* t = batch.pop_front()) {
      ++ran;
      detail::strand_task_scope inside(s, *t);  // debug builds: blocking in `t` is caught
      detail::run_task(*t, s, s.on_task_failure_);
    }
  }
  // acq_rel: see submit(). ST.STR3: after this RMW brings the count to 0, `s` may be gone.
  const std::size_t before = s.pending_.fetch_sub(ran, std::memory_order_acq_rel);
  if (before == ran) return;
  s.underlying_.submit(s.runner_, hint::yield);  // more came in: another batch, after others' work
}

// submit()'s owner of the strand could not schedule the runner: nobody else will run the
// queued tasks, so take them all back, returning the strand to idle.
void strand::take_back_after_refusal(task& own) {
  twist::spin_wait spin;
  for (;;) {
    auto batch = inbox_.pop_all_fifo();
    std::size_t taken = 0;
    while (task* t = batch.pop_front()) {
      ++taken;
      if (t == &own) continue;  // rethrown to our caller
      on_task_failure_(task_failure{this, name(), t,
                                    std::make_exception_ptr(executor_stopped(underlying_.name()))});
    }
    // acq_rel: as in run_batch.
    if (pending_.fetch_sub(taken, std::memory_order_acq_rel) == taken) return;
    spin();  // a submitter counted itself and has not pushed yet
  }
}

}  // namespace spindle::exec
