// Must NOT compile under the project's clang flags: reads a SPINDLE_GUARDED_BY field without
// holding its lock. tests/guard/thread_safety/check.cmake expects the diagnostic.
#include <spindle/exec/detail/futex_mutex.hpp>

namespace {

class counter {
 public:
  int value_unlocked() { return value_; }  // the violation: mu_ is not held

 private:
  spindle::exec::detail::futex_mutex mu_;
  int value_ SPINDLE_GUARDED_BY(mu_) = 0;
};

}  // namespace

int thread_safety_probe() {
  counter c;
  return c.value_unlocked();
}
