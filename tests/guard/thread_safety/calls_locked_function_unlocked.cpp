// Must NOT compile under the project's clang flags: calls a SPINDLE_REQUIRES (`*_locked`)
// function, and writes a SPINDLE_GUARDED_BY field, without holding their
// exec::detail::futex_mutex. tests/guard/thread_safety/check.cmake expects the diagnostic.
#include <spindle/exec/detail/futex_mutex.hpp>

namespace {

class queue {
 public:
  void push() {
    size_ = 1;         // a violation: writes without mu_
    publish_locked();  // a violation: mu_ is not held
  }

 private:
  void publish_locked() SPINDLE_REQUIRES(mu_) { published_ = size_; }

  spindle::exec::detail::futex_mutex mu_;
  int size_ SPINDLE_GUARDED_BY(mu_) = 0;
  int published_ SPINDLE_GUARDED_BY(mu_) = 0;
};

}  // namespace

void thread_safety_probe() {
  queue q;
  q.push();
}
