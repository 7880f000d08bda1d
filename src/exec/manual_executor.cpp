#include <spindle/exec/detail/thread_state.hpp>
#include <spindle/exec/manual_executor.hpp>

namespace spindle::exec {

manual_executor::~manual_executor() { drain(); }

void manual_executor::submit(task& t, hint h) {
  if (stopped_) throw executor_stopped(name());
  if (h == hint::next) {
    queue_.push_front(t);
  } else {
    queue_.push_back(t);
  }
}

bool manual_executor::run_next() {
  task* t = queue_.pop_front();
  if (t == nullptr) return false;
  detail::current_executor_scope scope(this);
  t->run();  // an exception propagates to our caller; the rest stays queued
  return true;
}

std::size_t manual_executor::run_at_most(std::size_t limit) {
  std::size_t ran = 0;
  while (ran < limit && run_next()) ++ran;
  return ran;
}

std::size_t manual_executor::drain() {
  std::size_t ran = 0;
  while (run_next()) ++ran;
  return ran;
}

}  // namespace spindle::exec
